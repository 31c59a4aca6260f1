"""The framework tree: loading from iMeta, dicts and YAML, validation errors, derived copies."""

import pandas as pd
import pytest

from innovation_monitor.composite import Framework, Node
from innovation_monitor.composite import framework as framework_module
from innovation_monitor.errors import FrameworkError


def nodes(*rows: tuple) -> dict:
    """Compact framework spec: (code, parent, weight) triples."""
    return {"nodes": [{"code": c, "parent": p, "weight": w} for c, p, w in rows]}


def test_asem_imeta_loads_as_coinr_holds_it(asem):
    fw = asem.framework
    assert fw.root == "Index" and fw.max_level == 4
    assert len(fw.indicators) == 49 and fw.indicators[:2] == ("LPI", "Flights")
    assert fw.codes_at(3) == ("Conn", "Sust")
    assert fw.children("Conn") == ("Physical", "ConEcFin", "Political", "Instit", "P2P")
    assert fw.groups == ("GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group")
    assert fw.denominators == ("Area", "Energy", "GDP", "Population")
    assert fw["Flights"].denominator == "Population" and fw["LPI"].denominator is None
    assert fw["CostImpEx"].direction == -1
    assert fw["LPI"].target == pytest.approx(4.11803135)
    assert fw["Index"].name_en == "Sustainable Connectivity"


def test_lineage_matches_coinr(asem):
    reference = pd.read_csv(asem.folder / "meta_Lineage.csv")
    mine = asem.framework.lineage().set_index("Level1").loc[reference["Indicator"]]
    assert mine["Level2"].tolist() == reference["Pillar"].tolist()
    assert mine["Level3"].tolist() == reference["Sub-index"].tolist()
    assert set(mine["Level4"]) == {"Index"}


def test_levels_and_types_are_inferred_from_the_tree(toy_framework):
    fw = toy_framework
    assert fw.indicators == ("a", "b", "c", "d")
    assert fw.aggregates == ("P1", "P2", "Index")
    assert fw["P1"].level == 2 and fw["Index"].level == 3
    assert fw["a"].type == "Indicator" and fw["P1"].type == "Aggregate"
    assert fw["Index"].name == "综合指数" and fw["P1"].name_en == "Input"
    assert fw.ancestors("c") == ("P2", "Index")


def test_imeta_round_trip(toy_framework):
    again = Framework.from_imeta(toy_framework.to_imeta())
    assert again == toy_framework


def test_yaml_round_trip(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(
        "nodes:\n"
        "  - {code: Index, name_zh: 指数}\n"
        "  - {code: x, parent: Index, weight: 2, direction: -1, unit: 件}\n"
        "  - {code: y, parent: Index}\n",
        encoding="utf-8",
    )
    fw = Framework.from_yaml(path)
    assert fw.indicators == ("x", "y") and fw["x"].direction == -1 and fw["x"].unit == "件"
    assert fw.effective_weights()[["x", "y"]].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_effective_weights_multiply_down_the_tree(toy_framework):
    eff = toy_framework.effective_weights()
    # P1 has 2/3 of the index, split equally; P2 1/3, split 3:1.
    assert eff[["a", "b", "c", "d"]].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 4, 1 / 12])
    assert eff["Index"] == 1.0


def test_without_drops_empty_aggregates(toy_framework):
    smaller = toy_framework.without(["c", "d"])
    assert "P2" not in smaller and smaller.indicators == ("a", "b")
    assert smaller.children("Index") == ("P1",)
    with pytest.raises(FrameworkError, match="empty"):
        toy_framework.without(["a", "b", "c", "d"])


def test_with_weights_copies_and_allows_single_zero(toy_framework):
    new = toy_framework.with_weights({"c": 0.0})
    assert new["c"].weight == 0 and toy_framework["c"].weight == 3
    assert new.effective_weights()["d"] == pytest.approx(1 / 3)
    with pytest.raises(FrameworkError, match=r"children of 'P2'.*sum to zero"):
        toy_framework.with_weights({"c": 0.0, "d": 0.0})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (nodes(("I", None, 1), ("A", "B", 1), ("B", "A", 1), ("x", "I", 1)), r"cycle.*A → B → A"),
        (nodes(("I", None, 1), ("x", "Pillar9", 1)), r"'x' has unknown parent 'Pillar9'"),
        (nodes(("I", None, 1), ("x", "I", 1), ("x", "I", 1)), r"duplicate code 'x'"),
        (nodes(("I", None, 1), ("x", "I", 0), ("y", "I", 1)), r"'x' has weight 0"),
        (nodes(("I", None, 1), ("x", "I", -1), ("y", "I", 1)), r"'x' has weight -1"),
        (nodes(("I", None, 1), ("x", "I", 1), ("y", None, 1)), r"no parent \(I, y\)"),
        (nodes(("I", None, 1), ("P", "I", 1), ("x", "P", 1), ("y", "I", 1)), r"levels incons"),
        (
            {"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 2}]},
            r"'x' has direction 2",
        ),
        (
            {"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "level": 2}]},
            r"levels inconsistent at 'x'",
        ),
        (
            {"nodes": [{"code": "I", "type": "Indicator"}, {"code": "x", "parent": "I"}]},
            r"'I' is typed 'Indicator' but has children",
        ),
        ({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "wieght": 1}]}, r"'wieght'"),
        ({"nodes": []}, r"no indicators"),
    ],
)
def test_invalid_frameworks_raise_one_clear_error(spec, message):
    with pytest.raises(FrameworkError, match=message):
        Framework.from_dict(spec)


def test_the_tree_is_checked_once_on_load(monkeypatch):
    calls = []
    real = framework_module.check_tree
    monkeypatch.setattr(
        framework_module, "check_tree", lambda *args: calls.append(args[1]) or real(*args)
    )
    fw = Framework.from_dict(nodes(("I", None, 1), ("x", "I", 1), ("y", "I", 2)), source="f.yaml")
    fw.with_weights({"x": 3.0})
    assert calls == ["f.yaml"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("I", None), ("x", "I"), ("x", "I")), r"framework: duplicate code 'x'"),
        ((("I", None), ("A", "B"), ("B", "A")), r"framework: cycle"),
    ],
)
def test_nodes_built_directly_are_still_checked(rows, message):
    built = [Node(code=c, level=1 if p else 2, parent=p) for c, p in rows]
    with pytest.raises(FrameworkError, match=message):
        Framework(built)


def test_cycle_in_imeta_is_named(asem):
    imeta = asem.imeta.copy()
    imeta.loc[imeta["iCode"] == "Index", "Parent"] = "Conn"
    with pytest.raises(FrameworkError, match=r"cycle.*Conn → Index → Conn"):
        Framework.from_imeta(imeta)


def test_unknown_parent_in_imeta_is_named(asem):
    imeta = asem.imeta.copy()
    imeta.loc[imeta["iCode"] == "LPI", "Parent"] = "Physcal"
    with pytest.raises(FrameworkError, match=r"'LPI' has unknown parent 'Physcal'"):
        Framework.from_imeta(imeta)


def test_imeta_level_must_match_the_tree(asem):
    imeta = asem.imeta.copy()
    imeta.loc[imeta["iCode"] == "Physical", "Level"] = 3
    with pytest.raises(FrameworkError, match=r"levels inconsistent at 'Physical'"):
        Framework.from_imeta(imeta)


def test_imeta_unknown_type_is_named(asem):
    imeta = asem.imeta.copy()
    imeta.loc[imeta["iCode"] == "LPI", "Type"] = "Indikator"
    with pytest.raises(FrameworkError, match=r"LPI.*'Indikator'"):
        Framework.from_imeta(imeta)


def test_from_dict_rejects_unknown_top_level_keys():
    spec = {**nodes(("I", None, 1), ("x", "I", 1)), "node": []}
    with pytest.raises(FrameworkError, match=r"unknown key\(s\) \['node'\]"):
        Framework.from_dict(spec)


def test_unreadable_yaml_is_a_framework_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkError, match="not valid YAML"):
        Framework.from_yaml(bad)
    with pytest.raises(FrameworkError, match="cannot read"):
        Framework.from_yaml(tmp_path / "absent.yaml")
