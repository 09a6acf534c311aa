"""The plain row values of a judgement hold exactly their table's columns."""

from __future__ import annotations

import dataclasses

import pytest

from roundwise.store.base import table_of
from roundwise.store.judgements import DecisionRow, ReplyRow, RequestRow
from roundwise.store.models import DecisionRecord, ReplyRecord, RevisionRequestRecord


@pytest.mark.parametrize(
    ("row", "model"),
    [(RequestRow, RevisionRequestRecord), (DecisionRow, DecisionRecord), (ReplyRow, ReplyRecord)],
)
def test_row_fields_and_values_are_the_table_columns(row: type, model: type) -> None:
    columns = [column.key for column in table_of(model).columns]
    fields = [field.name for field in dataclasses.fields(row)]
    assert fields == columns
    record = model(**{name: f"v-{name}" for name in columns})
    assert row.of(record).values() == {name: f"v-{name}" for name in columns}
