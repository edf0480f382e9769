"""Customers and their contacts: import, upsert, fuzzy lookup, and what each user may see.

The ownership rule (docs/security.md): the customer list — names, industry, value class, city, the
account owner — is company data every rep sees, whoever added it. What a rep *learned* is theirs
and their admins': contacts recorded from their visits (`contacts.user_id`), visits, objections,
follow-ups. Contacts imported or added without a rep (`user_id` NULL) are company-wide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from crm.customer_import import CustomerInput, RowError, read_customer_file
from crm.parsing.matching import CustomerIndex, CustomerMatch, CustomerRef, core_of
from crm.store import Store, scoped, utc_now_iso
from crm.users import User


class CustomerNotFound(LookupError):
    """No customer with that id or name."""


class Customer(CustomerInput):
    """A stored key account: the imported fields plus its id."""

    id: int
    extra: dict[str, Any] = Field(default_factory=dict)

    def ref(self) -> CustomerRef:
        """The parser's view of this customer."""
        return CustomerRef(id=self.id, name=self.name, aliases=self.aliases, value_class=self.value_class)


class Contact(BaseModel):
    """A person at a customer, named as reps say it (王经理, Sarah)."""

    id: int
    customer_id: int
    name: str
    title: str | None = None
    department: str | None = None
    user_id: int | None = None  # the rep whose visit recorded them; None: a company-wide contact


class ImportReport(BaseModel):
    """What an import did: how many customers were created and updated, and the rows refused."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = Field(default_factory=list)

    @property
    def imported(self) -> int:
        """Rows written: created plus updated."""
        return self.created + self.updated


class CustomerRepository:
    """Reads and writes customers and contacts; writes join the caller's transaction if any."""

    def __init__(self, store: Store):
        self.store = store
        self._index: CustomerIndex | None = None
        self._index_signature: tuple[Any, ...] | None = None

    # reading -----------------------------------------------------------------------------------

    def get(self, customer_id: int) -> Customer:
        """The customer with this id, or CustomerNotFound."""
        rows = list(self.store.db.query("select * from customers where id = ?", [customer_id]))
        if not rows:
            raise CustomerNotFound(customer_id)
        return _customer_from_row(rows[0])

    def find_by_name(self, name: str) -> Customer | None:
        """The customer whose name or alias is exactly `name` (case-insensitive), or None."""
        wanted = name.strip().casefold()
        if not wanted:
            return None
        for customer in self.all():
            if wanted == customer.name.casefold() or wanted in (alias.casefold() for alias in customer.aliases):
                return customer
        return None

    def count(self) -> int:
        """How many customers there are."""
        return int(self.store.db.execute("select count(*) from customers").fetchone()[0])

    def all(self) -> list[Customer]:
        """Every customer, by name."""
        return [_customer_from_row(row) for row in self.store.db.query("select * from customers order by name")]

    def listed_for(self, user: User) -> list[Customer]:
        """The shared customer list, the user's own accounts first."""
        return sorted(self.all(), key=lambda customer: customer.owner_id != user.id)

    def refs(self) -> list[CustomerRef]:
        """Every customer as the parser's CustomerRef."""
        return [customer.ref() for customer in self.all()]

    def index(self) -> CustomerIndex:
        """The fuzzy-matching index over all customers, rebuilt when the table changed."""
        signature = tuple(
            self.store.db.execute("select count(*), max(updated_at), max(id) from customers").fetchone()
        )
        if self._index is None or signature != self._index_signature:
            self._index = CustomerIndex.build(self.refs())
            self._index_signature = signature
        return self._index

    def match(self, text: str) -> CustomerMatch | None:
        """The customer `text` talks about (fuzzy, homophones included), or None."""
        return self.index().match(text)

    def lookup(self, text: str) -> Customer | None:
        """The one customer `text` names: an exact name or alias, else an unambiguous fuzzy match."""
        exact = self.find_by_name(text)
        if exact is not None:
            return exact
        found = self.match(text)
        if found is None or found.status != "auto" or found.customer is None or found.customer.id is None:
            return None
        return self.get(found.customer.id)

    def find_value_class(self, name_or_text: str) -> tuple[str, str] | None:
        """(customer name, value class) for the customer named in `name_or_text`, or None (CustomerLookup)."""
        customer = self.lookup(name_or_text)
        if customer is None or not customer.value_class:
            return None
        return customer.name, customer.value_class

    # writing -----------------------------------------------------------------------------------

    def upsert(self, data: CustomerInput) -> tuple[Customer, bool]:
        """Create the customer or update the fields `data` sets; returns it and whether it was created."""
        now = utc_now_iso()
        fields = _row_fields(data)
        with self.store.transaction() as db:
            existing = list(db.query("select * from customers where name = ?", [data.name]))
            if existing:
                current = existing[0]
                if "extra" in fields:
                    merged = {**json.loads(current["extra"] or "{}"), **data.extra}
                    fields["extra"] = json.dumps(merged, ensure_ascii=False)
                db["customers"].update(current["id"], {**fields, "updated_at": now})
                customer_id, created = current["id"], False
            else:
                defaults = {"aliases": "[]", "extra": "{}"}
                table = db["customers"].insert({**defaults, **fields, "created_at": now, "updated_at": now})
                customer_id, created = int(table.last_pk), True
        self._index = None
        return self.get(customer_id), created

    def import_file(self, path: Path) -> ImportReport:
        """Import a CSV/XLSX file: good rows in one transaction (re-import updates), bad rows reported."""
        parsed = read_customer_file(path)
        report = ImportReport(errors=list(parsed.errors))
        known_users = {row["id"] for row in self.store.db.query("select id from users")}
        with self.store.transaction():
            for line, data in parsed.rows:
                if data.owner_id is not None and data.owner_id not in known_users:
                    report.errors.append(
                        RowError(line=line, message=f"owner {data.owner_id} is not a registered user")
                    )
                    continue
                _, created = self.upsert(data)
                if created:
                    report.created += 1
                else:
                    report.updated += 1
        report.errors.sort(key=lambda error: error.line)
        return report

    # contacts ----------------------------------------------------------------------------------

    def add_contact(
        self, customer_id: int, name: str, *, user_id: int | None, title: str | None = None,
        department: str | None = None,
    ) -> Contact:
        """Record a contact `user_id` learned (None: a company-wide contact), or fill in a known one's details."""
        name = name.strip()
        with self.store.transaction() as db:
            existing = list(db.query(
                "select * from contacts where customer_id = ? and name = ? and coalesce(user_id, 0) = coalesce(?, 0)",
                [customer_id, name, user_id],
            ))  # fmt: skip
            if existing:
                changes = {key: value for key, value in (("title", title), ("department", department)) if value}
                if changes:
                    db["contacts"].update(existing[0]["id"], changes)
                contact_id = existing[0]["id"]
            else:
                table = db["contacts"].insert(
                    {"customer_id": customer_id, "name": name, "title": title, "department": department,
                     "user_id": user_id, "created_at": utc_now_iso()}
                )  # fmt: skip
                contact_id = int(table.last_pk)
        row = next(iter(self.store.db.query("select * from contacts where id = ?", [contact_id])))
        return _contact_from_row(row)

    def contacts(self, customer_id: int, *, user_id: int | None) -> list[Contact]:
        """A customer's contacts that `user_id` may see (their own and company-wide; None: all), oldest first."""
        sql, params = "select * from contacts where customer_id = ?", [customer_id]
        sql, params = scoped(sql, params, user_id, shared=True)
        return [_contact_from_row(row) for row in self.store.db.query(sql + " order by id", params)]

    def find_contacts(self, name: str, *, user_id: int | None) -> list[tuple[Contact, Customer]]:
        """Contacts called `name` (王经理; Sarah, also "Sarah Lee"; Sun, also "Mr. Sun") that `user_id` may see."""
        wanted = name.strip()
        sql = "select * from contacts where (name = ? collate nocase or name like ? or name like ?)"
        params: list[Any] = [wanted, f"{wanted} %", f"% {wanted}"]
        sql, params = scoped(sql, params, user_id, shared=True)
        rows = self.store.db.query(sql + " order by id", params)
        return [(contact, self.get(contact.customer_id)) for contact in map(_contact_from_row, rows)]


def display_core(customer: Customer) -> str:
    """The short name reps use: 华信 for 华信科技."""
    return core_of(customer.name)


def _contact_from_row(row: dict[str, Any]) -> Contact:
    return Contact(**{key: row[key] for key in Contact.model_fields})


def _row_fields(data: CustomerInput) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in data.model_fields_set:
        value = getattr(data, key)
        if key in ("aliases", "extra"):
            fields[key] = json.dumps(value, ensure_ascii=False)
        else:
            fields[key] = value
    fields["name"] = data.name
    return fields


def _customer_from_row(row: dict[str, Any]) -> Customer:
    return Customer(
        id=row["id"],
        name=row["name"],
        aliases=json.loads(row["aliases"] or "[]"),
        industry=row["industry"],
        value_class=row["value_class"],
        city=row["city"],
        owner_id=row["owner_id"],
        notes=row["notes"],
        extra=json.loads(row["extra"] or "{}"),
    )
