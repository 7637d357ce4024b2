"""A bound volume is a BagIt bag (RFC 8493), checked with the Library of Congress's `bagit`, and `verify`
checks every volume's bag: damage is reported in Chinese with the volume's 档号; a volume of the layout
before bags is still checked and gets a note how to rebind."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import bagit
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bind import text_pdf

import archive
from archive.store.bags import check_bag, write_bag
from archive.store.objects import sha256_file


@pytest.fixture(scope="module")
def _bound_once(tmp_path_factory):
    """Three files of QSZ 2011 WS Y ingested and bound with the national profile, once per module."""
    from click.testing import CliRunner

    import cli as cli_module

    tmp = tmp_path_factory.mktemp("bag")
    root = tmp / "root"
    runner = CliRunner()

    def run(*args):
        r = runner.invoke(cli_module.cli, ["--root", str(root), *map(str, args)], obj={}, catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        return r

    run("init")
    src = tmp / "in"
    src.mkdir()
    for i, n in enumerate((1, 2, 1)):
        text_pdf(src / f"b{i}.pdf", [f"装袋测试{i}第{k + 1}页" for k in range(n)])
    run("ingest", src, "--office", "QSZ", "--category", "WS", "--year", "2011", "--retention", "Y", "--jobs", "1",
        "--no-ocr")
    return root, json.loads(run("bind", "--office", "QSZ", "--year", "2011", "--category", "WS", "--json").stdout)


@pytest.fixture
def volume(_bound_once, tmp_path):
    """A copy of that root for one test to damage; (root, the --json volume with paths into the copy)."""
    template, data = _bound_once
    root = tmp_path / "root"
    shutil.copytree(template, root)
    v = json.loads(json.dumps(data["volumes"][0]).replace(json.dumps(str(template))[1:-1], json.dumps(str(root))[1:-1]))
    return root, v


def _verify(invoke, root, ok=True):
    r = invoke(root, "verify", "--json", ok=ok)
    return r.exit_code, json.loads(r.stdout)


def test_volume_directory_is_a_valid_bag(volume):
    root, v = volume
    bag_dir = Path(v["bag"])
    bag = bagit.Bag(str(bag_dir))
    bag.validate()                                           # raises BagValidationError otherwise
    stem = Path(v["pdf"]).stem
    assert sorted(bag.payload_files()) == sorted(f"data/{stem}{s}" for s in (".pdf", "-labels.pdf", ".xml"))
    assert Path(v["pdf"]).parent == bag_dir / "data" and Path(v["manifest"]).parent == bag_dir / "data"
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"} <= set(bag.tagfile_entries())
    info = bag.info
    assert info["Fonds"] == "Z109" and info["Archival-Code"] == v["archival_code"] == "Z109-WS·2011-Y-QSZ-J001"
    assert info["Item-Count"] == "3" and info["Page-Count"] == "4"
    assert info["PDF-Page-Count"] == str(v["pages"]) and info["Blank-Page-Count"] == str(v["blank_pages"])
    assert info["Profile"].startswith("national") and "GB/T 9705" in info["Profile"]
    assert info["Bagging-Date"] == date.today().isoformat()
    assert info["Category"] == "WS 文书" and info["Retention"] == "Y 永久" and info["Item-Range"] == "0001—0003"
    assert not list(bag_dir.glob(".*")) and not list((bag_dir / "data").glob(".*"))     # no work files left
    # the catalog (what the web app serves) points at the PDF inside the bag
    conn = sqlite3.connect(archive.load_settings(root).catalog_path)
    rel = conn.execute("SELECT pdf FROM volumes").fetchone()[0]
    conn.close()
    assert (root / rel).resolve() == Path(v["pdf"]).resolve() and rel.split("/")[-2] == "data"


def test_volume_pdf_served_by_the_web_app(volume):
    root, v = volume
    client = archive.create_app(archive.load_settings(root)).test_client()
    conn = sqlite3.connect(archive.load_settings(root).catalog_path)
    vid = conn.execute("SELECT id FROM volumes").fetchone()[0]
    conn.close()
    r = client.get(f"/volumes/{vid}/pdf")
    assert r.status_code == 200 and r.data == Path(v["pdf"]).read_bytes()


@pytest.mark.parametrize("damage", ["flip", "extra", "missing", "no-bagit", "tagfile"])
def test_verify_reports_a_damaged_volume_with_its_code(volume, invoke, damage):
    root, v = volume
    code, rep = _verify(invoke, root)
    assert code == 0 and rep["volumes_checked"] == 1 and not rep["notes"]
    bag_dir, pdf = Path(v["bag"]), Path(v["pdf"])
    if damage == "flip":
        data = bytearray(pdf.read_bytes())
        data[len(data) // 2] ^= 0x01
        pdf.write_bytes(bytes(data))
    elif damage == "extra":
        (bag_dir / "data" / "多出来的.txt").write_text("x", encoding="utf-8")
    elif damage == "missing":
        Path(v["labels"]).unlink()
    elif damage == "no-bagit":
        (bag_dir / "bagit.txt").unlink()
    else:
        with open(bag_dir / "bag-info.txt", "a", encoding="utf-8") as f:
            f.write("Fonds: Z999\n")
    with pytest.raises((bagit.BagValidationError, bagit.BagError)):     # the reference agrees that it is damaged
        bagit.Bag(str(bag_dir)).validate()
    r = invoke(root, "verify", ok=False)
    assert r.exit_code == 1, r.stdout
    lines = [ln for ln in r.stdout.splitlines() if "已损坏" in ln]
    assert lines and all("Z109-WS·2011-Y-QSZ-J001" in ln and "第 1 版" in ln for ln in lines), r.stdout
    assert "minzheng bind --office QSZ --year 2011 --category WS" in r.stdout and "Traceback" not in r.stderr


def _to_old_layout(root: Path, v: dict) -> Path:
    """What bind wrote before bags: the three files beside manifest-sha256.txt (`sha256  name`)."""
    bag_dir = Path(v["bag"])
    for name in ("bagit.txt", "bag-info.txt", "tagmanifest-sha256.txt"):
        (bag_dir / name).unlink()
    lines = []
    for f in sorted((bag_dir / "data").iterdir()):
        shutil.move(f, bag_dir / f.name)
        lines.append(f"{sha256_file(bag_dir / f.name)}  {f.name}\n")
    (bag_dir / "data").rmdir()
    (bag_dir / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    conn = sqlite3.connect(archive.load_settings(root).catalog_path)
    conn.execute("UPDATE volumes SET pdf=replace(pdf, '/data/', '/'), manifest=replace(manifest, '/data/', '/')")
    conn.commit()
    conn.close()
    return bag_dir


def test_old_layout_volume_gets_a_note_how_to_rebind_and_is_still_checked(volume, invoke):
    root, v = volume
    bag_dir = _to_old_layout(root, v)
    code, rep = _verify(invoke, root)
    assert code == 0 and rep["problems"] == []
    assert len(rep["notes"]) == 1
    note = rep["notes"][0]
    assert "Z109-WS·2011-Y-QSZ-J001" in note and "旧的存放格式" in note
    assert "minzheng bind --office QSZ --year 2011 --category WS --retention Y" in note
    r = invoke(root, "verify")
    assert "提示：" in r.stdout and "旧的存放格式" in r.stdout
    # damage in an old-layout volume is still found
    pdf = bag_dir / Path(v["pdf"]).name
    pdf.write_bytes(pdf.read_bytes()[:-10])
    code, rep = _verify(invoke, root, ok=False)
    assert code == 1 and any(p["kind"] == "volume_damaged" and "Z109-WS·2011-Y-QSZ-J001" in p["message"]
                             for p in rep["problems"])
    # rebinding makes a bag as version 2; the old version stays as it is
    invoke(root, "bind", "--office", "QSZ", "--year", "2011", "--category", "WS")
    new = [p for p in (bag_dir.parent).iterdir() if p.name.endswith("-v2")]
    assert len(new) == 1
    bagit.Bag(str(new[0])).validate()
    assert pdf.is_file() and not (bag_dir / "bagit.txt").exists()


def test_missing_volume_directory(volume, invoke):
    root, v = volume
    shutil.rmtree(v["bag"])
    code, rep = _verify(invoke, root, ok=False)
    assert code == 1 and [p["kind"] for p in rep["problems"]] == ["volume_missing"]
    assert "Z109-WS·2011-Y-QSZ-J001" in rep["problems"][0]["message"]


# ---------------------------------------------------------------- property: our bags are the reference's bags
# no "%" in names: RFC 8493 percent-encodes it in manifests, bagit-python (1.9) does not; the binder's own file
# names never hold one (file_stem), and check_bag's decoding is tested below
names = st.text(alphabet=st.sampled_from("abcXYZ09 -_.#民政档案卷（）·"), min_size=1, max_size=12).filter(
    lambda s: s.strip(" .") == s and s not in (".", ".."))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(names, st.binary(max_size=200), min_size=1, max_size=5),
       info=st.lists(st.tuples(st.sampled_from(["Fonds", "Archival-Code", "Profile", "Item-Count"]),
                               st.text(alphabet="Z109档号国家标准 -·（）\n", max_size=20)), max_size=4),
       flip=st.integers(min_value=0))
def test_property_write_bag_is_valid_for_bagit_and_check_bag_agrees(tmp_path_factory, files, info, flip):
    bag_dir = tmp_path_factory.mktemp("bag")
    (bag_dir / "data").mkdir()
    for name, data in files.items():
        (bag_dir / "data" / name).write_bytes(data)
    write_bag(bag_dir, info)
    bagit.Bag(str(bag_dir)).validate()
    assert check_bag(bag_dir) == []
    # any change to one payload byte: both the reference and our check see it
    name = sorted(files)[flip % len(files)]
    path = bag_dir / "data" / name
    data = bytearray(path.read_bytes()) or bytearray(b"\0")
    data[flip % len(data)] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()
    assert check_bag(bag_dir)


def test_manifest_paths_percent_encoded_as_rfc_8493_says(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "100%.txt").write_text("百分之百", encoding="utf-8")
    write_bag(tmp_path, [])
    assert "data/100%25.txt" in (tmp_path / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert check_bag(tmp_path) == []
