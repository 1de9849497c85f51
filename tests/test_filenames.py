"""Report file names from customer names: readable ASCII in any script, and never shared."""

from se_pipeline.filenames import file_stems


def test_names_in_any_script_become_readable_ascii():
    stems = file_stems(["日本電気", "Société Générale", "Ørsted A/S"])
    assert stems == {"日本電気": "ri-ben-dian-qi", "Société Générale": "societe-generale", "Ørsted A/S": "orsted-a-s"}


def test_names_that_meet_at_one_slug_each_get_their_own_file():
    names = ["Acme, Inc.", "ACME Inc", "acme inc", "Globex"]
    stems = file_stems(names)
    assert len(set(stems.values())) == len(names)
    assert stems["Globex"] == "globex"
    assert all(stems[n].startswith("acme-inc-") for n in names[:3])
    assert file_stems(reversed(names)) == stems  # the same files on every run, whatever the order


def test_a_name_with_nothing_to_transliterate_still_gets_a_file():
    stems = file_stems(["🙂", "★★"])
    assert len(set(stems.values())) == 2 and all(s.startswith("customer-") and s.isascii() for s in stems.values())
