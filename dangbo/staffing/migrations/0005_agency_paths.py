"""Agency versions carry the materialized path and depth (as orgs' OrgVersion), so an agency
subtree as of a date is one prefix scan. Existing versions get their paths; a version during which
an ancestor moved is cut where its path changes (a move then opened new versions for the whole
subtree, as it does from now on)."""

from datetime import timedelta

from django.db import migrations, models


def fill_paths(apps, schema_editor):
    AgencyVersion = apps.get_model("staffing", "AgencyVersion")
    rows = list(AgencyVersion.objects.order_by("agency_id", "valid_from"))
    if not rows:
        return
    by_agency: dict[int, list] = {}
    for v in rows:
        by_agency.setdefault(v.agency_id, []).append(v)

    def version(aid, d):
        for v in by_agency.get(aid, ()):
            if v.valid_from <= d and (v.valid_to is None or v.valid_to >= d):
                return v
        return None

    def path(aid, d, seen=()):
        v = version(aid, d)
        if v is None or v.parent_id is None or v.parent_id in seen or version(v.parent_id, d) is None:
            return f"/{aid}/"
        return path(v.parent_id, d, (*seen, aid)) + f"{aid}/"

    # Every day on which some path may change: a version starts, or starts the day after one ends.
    breaks = sorted({v.valid_from for v in rows} | {v.valid_to + timedelta(days=1) for v in rows if v.valid_to})
    for v in rows:
        cuts = [d for d in breaks if d > v.valid_from and (v.valid_to is None or d <= v.valid_to)]
        segments = [(v.valid_from, path(v.agency_id, v.valid_from))]
        for d in cuts:
            p = path(v.agency_id, d)
            if p != segments[-1][1]:
                segments.append((d, p))
        end = v.valid_to
        first_path = segments[0][1]
        for (start, p), nxt in zip(segments, [*segments[1:], None], strict=True):
            stop = nxt[0] - timedelta(days=1) if nxt else end
            if start == v.valid_from:
                AgencyVersion.objects.filter(pk=v.pk).update(
                    path=first_path, depth=first_path.count("/") - 2, valid_to=stop
                )
            else:
                AgencyVersion.objects.create(
                    agency_id=v.agency_id,
                    name=v.name,
                    parent_id=v.parent_id,
                    internal_units=v.internal_units,
                    path=p,
                    depth=p.count("/") - 2,
                    valid_from=start,
                    valid_to=stop,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0004_registry_stamp_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyversion",
            name="depth",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="agencyversion",
            name="path",
            field=models.CharField(db_index=True, default="", max_length=400),
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]
