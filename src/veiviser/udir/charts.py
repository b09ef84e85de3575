"""The comparison's charts, drawn by the statistics' one SVG path (`statistics.charts`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veiviser.statistics.charts import bar_chart
from veiviser.statistics.exports import row_labels

# Udir's fields → the statistics' row labels (the same words as Table 1 and Table 2).
LABEL_KEYS = {
    "not_applied": ("table1", "not_applied"),
    "declined": ("table1", "declined"),
    "dropped_out": ("table1", "dropped_out"),
    "other": ("table1", "other"),
    "registered": ("table1", "total"),
    "group1": ("table2", "group1"),
    "group2": ("table2", "group2"),
    "group3": ("table2", "group3"),
    "group4": ("table2", "group4"),
    "target_group": ("table2", "target_group"),
    "group5": ("table2", "not_in_target_group"),
}


# Short labels under the bars (the long ones overlap); the table beside the chart has the rest.
SHORT = {
    "group1": gettext_lazy("Group 1"),
    "group2": gettext_lazy("Group 2"),
    "group3": gettext_lazy("Group 3"),
    "group4": gettext_lazy("Group 4"),
    "target_group": gettext_lazy("Target group"),
    "group5": gettext_lazy("Group 5"),
}


def labels() -> dict[str, str]:
    texts = row_labels()
    return {field: texts[key] for field, key in LABEL_KEYS.items()}


def percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def shares_chart(shares, *, own_share=None, own_label: str = "") -> str:
    """Share in activity (group 3 / target group, whole percent) per county, Udir's table;
    with `own_share`, the county's own figure from Veiviser as the last bar. The bars are
    labelled with county numbers (the table beside the chart names them): fifteen county
    names do not fit under the bars."""
    categories = [_("Norway") if s.national else s.county for s in shares]
    values = [percent(s.share) for s in shares]
    if own_share is not None:
        categories.append(own_label)
        values.append(percent(own_share.share))
    return bar_chart(
        title=_("Share in activity, per cent"),
        categories=categories,
        series=[(_("Share in activity (group 3 / target group), %"), values)],
        id_prefix="chart-udir-shares",
        description=_(
            "Bar chart of the share in activity per county in Udir's published table: youths "
            "in activity (main group 3) as a percentage of the target group."
        ),
        suppressed=_("not published"),
    )


def comparison_chart(lines) -> str:
    """The county's own numbers beside Udir's for the status main groups and the target group."""
    texts = labels()
    shown = [
        line for line in lines if line.field.startswith("group") or line.field == "target_group"
    ]
    return bar_chart(
        title=_("Own numbers and Udir's"),
        categories=[texts[line.field] for line in shown],
        series=[
            (_("Veiviser (own numbers)"), [line.own for line in shown]),
            (_("Udir's published table"), [line.udir for line in shown]),
        ],
        id_prefix="chart-udir-compare",
        description=_("Bar chart of the county's own numbers beside Udir's, per group."),
        suppressed=_("not published"),
    )
