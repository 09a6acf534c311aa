"""Inbound webhooks (issue 19): each provider's signature (``signatures``), its payload
read into one shape (``comments``; e-mail in ``mail``), judged by ``api.routes.hooks``."""
