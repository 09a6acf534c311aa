"""Outbound webhooks (issue 19): endpoints, the delivery worker, the destination check.

- ``store.outbox`` — ``enqueue``: features record an event in their own transaction;
- ``addresses.py`` — which URLs may be called (http(s), public addresses only);
- ``endpoints.py`` — the account's endpoints, their secrets, deliveries and attempts;
- ``worker.py`` — leases due deliveries, signs and POSTs them, records every attempt.
"""
