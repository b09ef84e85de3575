"""Udir's published tables beside the county's own numbers (docs/statistics.md, "Udir's
tables"): the comparison for the county leader and the office (county scope of STATISTICS),
and the upload of a new version for the office (county scope of INTAKE)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veiviser import policy
from veiviser.codes.selectors import kodeverk
from veiviser.statistics.tables import DateOutsideSchoolYear
from veiviser.udir import charts, selectors, services
from veiviser.udir.models import UdirTable

MAX_UPLOAD = 5 * 1024 * 1024


class UdirUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Udir's table (CSV)"),
        help_text=gettext_lazy("Semicolon-separated, in the format of docs/statistics.md."),
    )


class UdirChoiceForm(forms.Form):
    tabell = forms.TypedChoiceField(label=gettext_lazy("Version"), coerce=int)
    dato = forms.TypedChoiceField(label=gettext_lazy("Counting date"), coerce=str)

    def __init__(self, *args, tables, dates, **kw):
        super().__init__(*args, **kw)
        self.fields["tabell"].choices = [
            (t.version, f"{t.version}: {t.filename} ({t.imported_at:%d.%m.%Y})") for t in tables
        ]
        self.fields["dato"].choices = [(d.isoformat(), f"{d:%d.%m.%Y}") for d in dates]


@login_required
def udir_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if policy.scope(user, policy.STATISTICS) != policy.COUNTY:
        raise PermissionDenied
    may_import = policy.scope(user, policy.INTAKE) == policy.COUNTY
    upload = UdirUploadForm(request.POST or None, request.FILES or None) if may_import else None
    status = 200
    if request.method == "POST":
        if upload is None:
            raise PermissionDenied
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                if file.size > MAX_UPLOAD:
                    raise services.UdirImportFailed(
                        [services.UdirError(1, "", _("the file is larger than 5 MB"))]
                    )
                table, created = services.table_import(
                    actor=user, filename=file.name, data=file.read()
                )
            except services.UdirImportFailed as failed:
                for error in failed.errors:
                    upload.add_error("file", str(error))
            else:
                if created:
                    messages.success(
                        request,
                        _("Udir's table was imported as version %(version)s.")
                        % {"version": table.version},
                    )
                else:
                    messages.info(
                        request,
                        _("This file is already version %(version)s: nothing changed.")
                        % {"version": table.version},
                    )
                return redirect(f"{request.path}?tabell={table.version}")
        status = 400
    tables = list(UdirTable.objects.all())
    context = {"upload": upload, "tables": tables}
    if tables:
        try:
            version = int(request.GET.get("tabell", tables[0].version))
        except ValueError:
            version = tables[0].version
        table = next((t for t in tables if t.version == version), tables[0])
        dates = selectors.counting_dates(table)
        chosen = request.GET.get("dato") or (dates[-1].isoformat() if dates else "")
        on = next((d for d in dates if d.isoformat() == chosen), dates[-1] if dates else None)
        choice = UdirChoiceForm(
            initial={"tabell": table.version, "dato": on.isoformat() if on else ""},
            tables=tables,
            dates=dates,
        )
        context.update({"choice": choice, "table": table, "on": on})
        if on is not None:
            try:
                result = selectors.comparison(
                    kodeverk(), county=user.county.number, counting_date=on, table=table
                )
            except (DateOutsideSchoolYear, LookupError):
                result = None
            if result is not None:
                texts = charts.labels()
                context.update(
                    {
                        "result": result,
                        "rows": [
                            {
                                "label": texts[line.field],
                                "line": line,
                                "national": value,
                            }
                            for line, (_f, value) in zip(
                                result["lines"], result["national"], strict=True
                            )
                        ],
                        "shares": [
                            {"share": s, "percent": _percent_text(s.share)}
                            for s in result["shares"]
                        ],
                        "own_percent": _percent_text(result["own_share"].share),
                        # The chart module escapes every text it puts into the SVG.
                        "chart_shares": mark_safe(
                            charts.shares_chart(
                                result["shares"],
                                own_share=result["own_share"],
                                own_label=_("%(county)s own") % {"county": user.county.number},
                            )
                        ),
                        "chart_compare": mark_safe(charts.comparison_chart(result["lines"])),
                    }
                )
    return render(request, "web/udir.html", context, status=status)


def _percent_text(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{share * 100:.1f} %".replace(".", ",")
