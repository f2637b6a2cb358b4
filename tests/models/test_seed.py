"""Reference data loaded on first run: regions of NTT, ICD-10, default lists."""

from __future__ import annotations

from kupang_desk.models import Icd10, PaymentType, Poli, Region, Setting
from kupang_desk.models.seed import ensure_reference_data
from kupang_desk.settings import DEFAULT_AGE_BANDS


def test_regions_of_ntt_and_kota_kupang(database):
    assert Region.select().count() == 3780
    kupang = Region.get_by_id("53.71")
    assert kupang.name == "Kota Kupang"
    kecamatan = list(kupang.children.order_by(Region.code))
    assert [k.name for k in kecamatan] == ["Alak", "Maulafa", "Kelapa Lima", "Oebobo", "Kota Raja", "Kota Lama"]
    kelurahan = Region.select().where(Region.code.startswith("53.71.") & (Region.level == "desa_kelurahan"))
    assert kelurahan.count() == 51
    assert Region.get_by_id("53.71.04.1001").parent.name == "Oebobo"


def test_icd10_from_the_who_data(database):
    ispa = Icd10.get_by_id("J06.9")
    assert ispa.title == "Acute upper respiratory infection, unspecified"
    assert ispa.title_id.startswith("Infeksi saluran pernapasan atas akut")
    assert (ispa.category, ispa.block, ispa.chapter, ispa.is_leaf) == ("J06", "J00-J06", "X", True)
    assert Icd10.get_by_id("I10").chapter == "IX"
    assert not Icd10.get_by_id("A09").is_leaf  # A09 has subcategories in WHO 2019
    assert Icd10.select().count() > 12000
    # Dengue codes of ICD-10 2010, still used in Indonesian reports.
    assert Icd10.get_by_id("A91").title_id == "Demam berdarah dengue"


def test_default_lists_and_settings(database):
    assert [p.name for p in Poli.select().order_by(Poli.sort_order)][:3] == ["Umum", "Gigi", "KIA"]
    assert PaymentType.select().where(PaymentType.is_bpjs).count() == 4
    assert Setting.get_value("lb1.age_bands") == DEFAULT_AGE_BANDS
    assert len(DEFAULT_AGE_BANDS) == 12


def test_loading_again_changes_nothing_and_keeps_edits(database):
    umum = Poli.get(Poli.name == "Umum")
    umum.name = "Poli Umum"
    umum.save()
    Setting.set_value("top_diseases.include_z_codes", True)
    ensure_reference_data()
    assert Poli.select().count() == 12
    assert Poli.get_by_id(umum.id).name == "Poli Umum"
    assert Setting.get_value("top_diseases.include_z_codes") is True
    assert Region.select().count() == 3780


def test_indonesian_titles_cover_the_codes_primary_care_uses(database):
    titled = Icd10.select().where(Icd10.title_id != "")
    assert titled.count() >= 500
    for code, title in [("K04.7", "Abses periapikal tanpa sinus"), ("B36.0", "Pitiriasis versikolor (panu)"),
                        ("Z30.8", "Penatalaksanaan kontrasepsi lainnya (KB suntik, implan)")]:
        assert Icd10.get_by_id(code).title_id == title


def test_an_older_database_gets_the_new_titles_and_nothing_else(database):
    Icd10.update(title_id="").where(Icd10.code.in_(["K04.7", "J06.9"])).execute()
    Setting.set_value("reference.icd10_titles", "of-an-older-version")
    before = Icd10.select().count()
    ensure_reference_data()
    assert Icd10.get_by_id("K04.7").title_id == "Abses periapikal tanpa sinus"
    assert Icd10.get_by_id("J06.9").title_id.startswith("Infeksi saluran pernapasan atas akut")
    assert Icd10.select().count() == before
    assert Setting.get_value("reference.icd10_titles") != "of-an-older-version"
