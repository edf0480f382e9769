"""Numbered schema migrations. Never edit one that has shipped; add the next number instead."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("kam")


@migrations(name="0001_users_and_messages")
def m0001_users_and_messages(db: Database) -> None:
    """Users, the inbound message log, refused access attempts and per-user conversation state."""
    db["users"].create(
        {
            "id": int,  # Telegram user id (or a local id for the terminal)
            "name": str,
            "username": str,
            "role": str,  # rep | admin
            "timezone": str,
            "language": str,  # zh | en | NULL = follow each message
            "active": int,
            "registered_via": str,  # allowlist | admin | invite | local
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"role", "active", "created_at"},
        defaults={"role": "rep", "active": 1},
    )
    db["messages"].create(
        {
            "id": int,
            "user_id": int,
            "kind": str,  # text | command | callback | voice
            "text": str,
            "skill": str,
            "received_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "kind", "received_at"},
    )
    db["messages"].create_index(["user_id", "received_at"])
    db["access_attempts"].create(
        {"id": int, "telegram_id": int, "name": str, "text": str, "attempted_at": str},
        pk="id",
    )
    db["conversation_state"].create(
        {"user_id": int, "skill": str, "state": str, "updated_at": str},
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
    )


@migrations(name="0002_customers_visits_followups")
def m0002_customers_visits_followups(db: Database) -> None:
    """Customers and contacts, raw notes, saved visits with objections, follow-ups."""
    db["customers"].create(
        {
            "id": int,
            "name": str,
            "aliases": str,  # JSON list
            "industry": str,
            "value_class": str,  # I | II | III | IV
            "city": str,
            "owner_id": int,
            "notes": str,
            "extra": str,  # JSON object: columns from imports we do not model
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"name"},
        foreign_keys=[("owner_id", "users", "id")],
    )
    db["customers"].create_index(["name"], unique=True)
    db["contacts"].create(
        {
            "id": int,
            "customer_id": int,
            "name": str,  # as said: 王经理, Sarah
            "title": str,
            "department": str,
            "created_at": str,
        },
        pk="id",
        not_null={"customer_id", "name"},
        foreign_keys=[("customer_id", "customers", "id")],
    )
    db["contacts"].create_index(["customer_id", "name"], unique=True)
    db["raw_notes"].create(
        {
            "id": int,
            "user_id": int,
            "text": str,
            "source": str,  # text | voice | cli
            "received_at": str,
            "status": str,  # draft | saved | discarded
            "parsed": str,  # JSON of the latest parse/edit
            "visit_id": int,
        },
        pk="id",
        not_null={"user_id", "text", "received_at", "status"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["visits"].create(
        {
            "id": int,
            "user_id": int,
            "customer_id": int,
            "raw_note_id": int,
            "visit_date": str,  # YYYY-MM-DD, user's local date
            "summary": str,
            "record": str,  # JSON of the confirmed parse
            "created_at": str,
        },
        pk="id",
        not_null={"user_id", "visit_date", "created_at"},
        foreign_keys=[
            ("user_id", "users", "id"),
            ("customer_id", "customers", "id"),
            ("raw_note_id", "raw_notes", "id"),
        ],
    )
    db["visits"].create_index(["user_id", "visit_date"])
    db["visits"].create_index(["customer_id", "visit_date"])
    db["visit_objections"].create(
        {"id": int, "visit_id": int, "category": str, "text": str, "amount": str},
        pk="id",
        not_null={"visit_id", "category"},
        foreign_keys=[("visit_id", "visits", "id")],
    )
    db["visit_objections"].create_index(["category"])
    db["followups"].create(
        {
            "id": int,
            "user_id": int,
            "customer_id": int,
            "visit_id": int,
            "text": str,
            "due_utc": str,  # ISO 8601 UTC
            "status": str,  # open | done | cancelled
            "reminder_state": str,  # pending | sending | sent | failed
            "attempts": int,
            "next_attempt_utc": str,
            "snooze_count": int,
            "sent_at": str,
            "overdue_notice": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"user_id", "text", "due_utc", "status", "reminder_state", "created_at"},
        defaults={"status": "open", "reminder_state": "pending", "attempts": 0, "snooze_count": 0},
        foreign_keys=[
            ("user_id", "users", "id"),
            ("customer_id", "customers", "id"),
            ("visit_id", "visits", "id"),
        ],
    )
    db["followups"].create_index(["user_id", "status", "due_utc"])
    db["followups"].create_index(["reminder_state", "due_utc"])


@migrations(name="0003_answers_and_feedback")
def m0003_answers_and_feedback(db: Database) -> None:
    """Knowledge answers given (question and cited chunks) and the 👍/👎 votes on them."""
    db["answers"].create(
        {
            "id": int,
            "user_id": int,
            "question": str,
            "answered": int,
            "chunk_ids": str,  # JSON list, best first
            "created_at": str,
        },
        pk="id",
        not_null={"user_id", "question", "answered", "created_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["answer_feedback"].create(
        {
            "id": int,
            "answer_id": int,
            "user_id": int,
            "question": str,
            "chunk_ids": str,  # JSON list
            "vote": int,  # +1 | -1
            "created_at": str,
        },
        pk="id",
        not_null={"answer_id", "user_id", "vote", "created_at"},
        foreign_keys=[("answer_id", "answers", "id"), ("user_id", "users", "id")],
    )
    db["answer_feedback"].create_index(["answer_id", "user_id"], unique=True)


@migrations(name="0004_reminder_delivery_and_digest")
def m0004_reminder_delivery_and_digest(db: Database) -> None:
    """Reminder claims and completion times; per-user digest time and what was last sent."""
    db["followups"].add_column("claimed_utc", str)  # when a sender took the reminder (the lease)
    db["followups"].add_column("done_at", str)
    db["followups"].add_column("last_error", str)
    db["followups"].create_index(["visit_id"])
    db["followups"].create_index(["user_id", "done_at"])
    db["users"].add_column("digest_time", str)  # "HH:MM" local, "off", NULL = KAM_DIGEST_TIME
    db["users"].add_column("digest_sent_on", str)  # local date of the last daily digest
    db["users"].add_column("weekly_sent_on", str)  # local date of the last weekly summary


@migrations(name="0005_access_and_ownership")
def m0005_access_and_ownership(db: Database) -> None:
    """Revocable users; contacts belong to the rep whose visit recorded them (NULL: company-wide).

    Users the CLI once created as a side effect (`registered_via = 'local'` with a Telegram id) are
    revoked: only user 0, the local operator, is local.
    """
    db["users"].add_column("revoked_at", str)
    db.execute("update users set revoked_at = updated_at where registered_via = 'local' and id <> 0")
    db["contacts"].add_column("user_id", int, fk="users", fk_col="id")
    db.execute("drop index if exists idx_contacts_customer_id_name")
    db.execute(
        "create unique index idx_contacts_customer_name_owner on contacts (customer_id, name, coalesce(user_id, 0))"
    )
    # Contacts recorded before this migration came from saved visits: give each to the first rep who met them.
    db.execute(
        "update contacts set user_id = (select v.user_id from visits v"
        " join raw_notes n on n.id = v.raw_note_id where v.customer_id = contacts.customer_id"
        " and n.parsed like '%' || contacts.name || '%' order by v.id limit 1)"
    )


@migrations(name="0006_opportunities")
def m0006_opportunities(db: Database) -> None:
    """Opportunities: a rep's possible new business with a customer, its stage and expected close."""
    db["opportunities"].create(
        {
            "id": int,
            "user_id": int,  # the owner (the rep who works it)
            "customer_id": int,
            "title": str,
            "amount": str,  # exact decimal as text ("2000000"), NULL when not said
            "currency": str,  # CNY | USD | EUR | …, NULL when not said
            "stage": str,  # a stage name of data/pipeline.yaml
            "probability": int,  # 0-100, the stage's default unless set
            "expected_close": str,  # YYYY-MM-DD, NULL when not said
            "source_visit_id": int,  # the visit whose note proposed it
            "next_step": str,
            "lost_reason": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"user_id", "title", "stage", "probability", "created_at", "updated_at"},
        foreign_keys=[
            ("user_id", "users", "id"),
            ("customer_id", "customers", "id"),
            ("source_visit_id", "visits", "id"),
        ],
    )
    db["opportunities"].create_index(["user_id", "stage"])
    db["opportunities"].create_index(["customer_id"])
    db["opportunities"].create_index(["source_visit_id"])


@migrations(name="0007_contracts_and_cases")
def m0007_contracts_and_cases(db: Database) -> None:
    """Contracts with renewals, after-sales cases, and follow-ups that remind about either."""
    db["contracts"].create(
        {
            "id": int,
            "user_id": int,  # the owner (the rep who renews it)
            "customer_id": int,
            "number": str,  # the contract number, NULL when a note recorded it without one
            "title": str,
            "start": str,  # YYYY-MM-DD
            "end": str,  # YYYY-MM-DD, NULL when not known yet
            "amount": str,  # exact decimal as text
            "currency": str,
            "auto_renew": int,
            "notice_days": int,  # days before the end by which notice must be given, NULL: none
            "status": str,  # active | renewed | closed
            "source_visit_id": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"user_id", "status", "auto_renew", "created_at", "updated_at"},
        defaults={"status": "active", "auto_renew": 0},
        foreign_keys=[("user_id", "users", "id"), ("customer_id", "customers", "id"), ("source_visit_id", "visits", "id")],
    )
    db.execute("create unique index idx_contracts_number on contracts (number) where number is not null")
    db["contracts"].create_index(["user_id", "status"])
    db["contracts"].create_index(["customer_id"])
    db["cases"].create(
        {
            "id": int,
            "user_id": int,  # the owner (the rep who handles it)
            "customer_id": int,
            "type": str,  # complaint | incident | question
            "priority": str,  # urgent | high | normal | low
            "status": str,  # new | assigned | pending | closed | rejected
            "description": str,
            "resolution": str,
            "due_utc": str,  # the response target
            "source_visit_id": int,
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"user_id", "type", "priority", "status", "description", "due_utc", "created_at", "updated_at"},
        defaults={"status": "new"},
        foreign_keys=[("user_id", "users", "id"), ("customer_id", "customers", "id"), ("source_visit_id", "visits", "id")],
    )
    db["cases"].create_index(["user_id", "status"])
    db["followups"].add_column("contract_id", int, fk="contracts", fk_col="id")
    db["followups"].add_column("case_id", int, fk="cases", fk_col="id")
    db["followups"].add_column("kind", str)  # NULL: a rep's to-do | renewal_end | renewal_notice | case_target
    db["followups"].add_column("offset_days", int)  # days before the anchor date
    db["followups"].add_column("anchor", str)  # the date counted from (contract end or notice date), YYYY-MM-DD
    db.execute(
        "create unique index idx_followups_contract_reminder on followups (contract_id, kind, offset_days, anchor)"
        " where contract_id is not null"
    )
    db.execute("create unique index idx_followups_case_reminder on followups (case_id, kind) where case_id is not null")


@migrations(name="0008_knowledge_gap_reports")
def m0008_knowledge_gap_reports(db: Database) -> None:
    """The weekly knowledge-gap report's deliveries (one row per admin and local Monday: the claim);
    indexes for the report's look-back over answers and votes."""
    db["gap_report_deliveries"].create(
        {
            "user_id": int,
            "local_date": str,  # YYYY-MM-DD, the admin's local date the report is for
            "claimed_at": str,  # ISO 8601 UTC
        },
        pk=("user_id", "local_date"),
        not_null={"user_id", "local_date", "claimed_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["answers"].create_index(["answered", "created_at"])
    db["answer_feedback"].create_index(["vote", "created_at"])
