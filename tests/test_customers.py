"""Customers: CSV/XLSX import with bad rows by line, re-import updates, lookup, visibility, contacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from crm.customer_import import (
    CustomerFileError,
    CustomerInput,
    normalize_value_class,
    read_customer_file,
)
from crm.customers import CustomerRepository
from crm.store import Store
from crm.users import UserRepository

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def customers(store: Store) -> CustomerRepository:
    return CustomerRepository(store)


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_reports_bad_rows_by_line_and_keeps_good_ones(customers: CustomerRepository, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "customers.csv",
        "name,industry,tier,city,notes,aliases,region\n"
        "华信科技,软件,IV,上海,大客户,华信;Huaxin,华东\n"
        ",建材,III,武汉,,,\n"
        "远大物流,物流,5,广州,,,\n"
        "蓝海医药,医药,2,杭州,\"多行\n备注\",,华东\n"
        "Acme Corp,Manufacturing,iv,Shenzhen,,,\n",
    )
    report = customers.import_file(path)
    assert (report.created, report.updated) == (3, 0)
    assert [(error.line, error.message) for error in report.errors] == [
        (3, "missing name"),
        (4, "tier '5' is not one of I, II, III, IV (or 1-4)"),
    ]
    huaxin = customers.find_by_name("华信科技")
    assert huaxin is not None
    assert huaxin.aliases == ["华信", "Huaxin"] and huaxin.value_class == "IV"
    assert huaxin.extra == {"region": "华东"}
    assert customers.find_by_name("蓝海医药").value_class == "II"  # type: ignore[union-attr]
    assert customers.find_by_name("蓝海医药").notes == "多行\n备注"  # type: ignore[union-attr]
    assert customers.find_by_name("acme corp").value_class == "IV"  # type: ignore[union-attr]


def test_reimport_updates_and_never_duplicates(customers: CustomerRepository, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", "name,industry,tier,city,notes\n华信科技,软件,III,上海,旧备注\n")
    customers.import_file(first)
    customer_id = customers.find_by_name("华信科技").id  # type: ignore[union-attr]
    second = write_csv(tmp_path / "b.csv", "name,tier,notes\n华信科技,IV,新备注\n华新建材,3,\n")
    report = customers.import_file(second)
    assert (report.created, report.updated, report.errors) == (1, 1, [])
    updated = customers.get(customer_id)
    assert (updated.value_class, updated.notes, updated.industry, updated.city) == ("IV", "新备注", "软件", "上海")
    assert len(customers.all()) == 2


def test_xlsx_import_with_numeric_tiers_and_a_bad_row(customers: CustomerRepository, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "industry", "tier", "city", "notes", "aliases"])
    sheet.append(["天际航空", "航空", 4, "西安", None, "天际;Tianji"])
    sheet.append([None, None, None, None, None, None])  # blank rows are skipped, not errors
    sheet.append(["星河传媒", "传媒", "gold", "北京", None, None])
    sheet.append([None, "建材", "II", None, None, None])
    sheet.append(["Initech Systems", "Software", 1.0, "Shenzhen", "Trial", None])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    report = customers.import_file(path)
    assert report.created == 2
    assert [error.line for error in report.errors] == [4, 5]
    assert "gold" in report.errors[0].message and report.errors[1].message == "missing name"
    assert customers.find_by_name("Tianji").name == "天际航空"  # type: ignore[union-attr]
    assert customers.find_by_name("Initech Systems").value_class == "I"  # type: ignore[union-attr]


def test_unknown_owner_is_a_bad_row_and_known_owner_is_kept(customers: CustomerRepository, store: Store, tmp_path: Path) -> None:
    UserRepository(store).upsert(7, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    path = write_csv(tmp_path / "c.csv", "name,tier,owner\n华信科技,IV,7\n华新建材,III,99\n远大物流,II,abc\n")
    report = customers.import_file(path)
    assert report.created == 1
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "owner 99 is not a registered user"),
        (4, "owner 'abc' is not a numeric user id"),
    ]
    assert customers.find_by_name("华信科技").owner_id == 7  # type: ignore[union-attr]


def test_file_without_name_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CustomerFileError):
        read_customer_file(write_csv(tmp_path / "x.csv", "company,tier\nA,I\n"))
    with pytest.raises(CustomerFileError):
        read_customer_file(write_csv(tmp_path / "x.json", "{}"))


def test_chinese_headers_and_gbk_csv(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("客户名称,行业,级别,城市,别名\n华信科技,软件,Ⅳ,上海,华信\n".encode("gbk"))
    parsed = read_customer_file(path)
    [(line, row)] = parsed.rows
    assert line == 2 and row.name == "华信科技" and row.value_class == "IV" and row.aliases == ["华信"]


@pytest.mark.parametrize(("said", "expected"), [("I", "I"), ("iv", "IV"), ("3", "III"), ("Ⅱ", "II"), ("", None),
                                                 ("II类", "II"), ("class 4", "IV")])
def test_value_class_spellings(said: str, expected: str | None) -> None:
    assert normalize_value_class(said) == expected


def test_fuzzy_lookup_and_value_class_for_pricing(customers: CustomerRepository) -> None:
    customers.import_file(PROJECT / "data" / "customers.csv")
    assert customers.find_value_class("花信科技想要八五折") == ("华信科技", "IV")
    assert customers.find_value_class("Acme") == ("Acme Corp", "II")
    assert customers.find_value_class("beichen software quote") == ("北辰软件", "II")
    assert customers.find_value_class("完全不相关的话") is None
    match = customers.match("去了花信科技")
    assert match is not None and match.status == "auto" and match.customer.name == "华信科技"  # type: ignore[union-attr]


def test_index_sees_customers_added_later(customers: CustomerRepository) -> None:
    customers.upsert(CustomerInput(name="华信科技", value_class="IV"))
    assert customers.lookup("华信科技最近怎么样") is not None
    customers.upsert(CustomerInput(name="明达机械", value_class="II"))
    assert customers.lookup("明达机械").name == "明达机械"  # type: ignore[union-attr]


def test_the_customer_list_is_shared_with_own_accounts_first(customers: CustomerRepository, store: Store) -> None:
    for user_id, role in ((1, "admin"), (2, "rep"), (3, "rep")):
        UserRepository(store).upsert(user_id, role=role, timezone_name="Asia/Shanghai", registered_via="allowlist")  # type: ignore[arg-type]
    customers.upsert(CustomerInput(name="共享客户"))
    customers.upsert(CustomerInput(name="小王的客户", owner_id=2))
    customers.upsert(CustomerInput(name="小李的客户", owner_id=3))
    names = lambda user_id: [c.name for c in customers.listed_for(UserRepository(store).get(user_id))]  # noqa: E731
    assert names(2)[0] == "小王的客户" and sorted(names(2)) == sorted(["共享客户", "小王的客户", "小李的客户"])
    assert names(3)[0] == "小李的客户" and len(names(1)) == 3


def test_contacts_are_unique_per_customer_and_found_by_name(customers: CustomerRepository) -> None:
    huaxin, _ = customers.upsert(CustomerInput(name="华信科技"))
    acme, _ = customers.upsert(CustomerInput(name="Acme Corp"))
    customers.add_contact(huaxin.id, "王经理", user_id=None)
    customers.add_contact(huaxin.id, "王经理", user_id=None, title="经理", department="采购部")
    customers.add_contact(acme.id, "Sarah", user_id=None, title="CFO")
    [contact] = customers.contacts(huaxin.id, user_id=None)
    assert (contact.name, contact.title, contact.department) == ("王经理", "经理", "采购部")
    [(found, customer)] = customers.find_contacts("sarah", user_id=None)
    assert found.title == "CFO" and customer.name == "Acme Corp"
    customers.add_contact(acme.id, "Mr. Sun", user_id=None, department="IT")
    assert [contact.name for contact, _ in customers.find_contacts("Sun", user_id=None)] == ["Mr. Sun"]
    assert customers.find_contacts("王", user_id=None) == []
