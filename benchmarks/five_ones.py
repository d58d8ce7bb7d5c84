"""五个一活动 filing benchmark: server milliseconds per wizard step and per PDF.

Walks the whole wizard as a 界别组长 through Django's test client (the full middleware
stack, no network) on a fresh SQLite database, N times, and renders the filing's PDF.

    .venv/bin/python benchmarks/five_ones.py [--walks 20]

Targets (issue 5): each step under 50 ms server time; the PDF under 500 ms warm and under 300 KB.
"""

import argparse
import statistics
import time

from fresh_site import fresh_site


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--walks", type=int, default=20)
    args = parser.parse_args()

    fresh_site()
    import django
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from forms_app.five_ones.pdf import filing_pdf
    from forms_app.models import FiveOnesFiling
    from people import roles
    from people.demo import seed_members, seed_reference_data
    from people.models import Member, Profile, Sector

    seed_reference_data()
    seed_members()
    sector = Sector.objects.get(name="教育界")
    members = list(Member.objects.filter(sector=sector)[:3])
    user = get_user_model().objects.create_user("bench_leader", password="x")
    user.groups.add(Group.objects.get(name=roles.SECTOR_LEADER))
    Profile.objects.create(user=user, sector=sector, member=members[0])
    year = django.utils.timezone.localdate().year
    prefix = f"five-ones-{year}-sector-{sector.pk}"
    steps = {
        "info": {"info-leader_name": "王丽", "info-filled_on": f"{year}-03-10"},
        "theme": {"theme-theme": "助力课后服务提质", "theme-theme_reason": "教育界委员熟悉学校和家长的需求。"},
        "activity": {
            "activity-activity_date": f"{year}-03-05",
            "activity-activity_place": "区实验小学",
            "activity-activity_kind": "education",
            "activity-participants": [m.pk for m in members],
            "activity-activity_plan": "走进学校座谈。",
        },
        "result": {
            "result-result_kind": "proposal",
            "result-result_title": "关于提升课后服务质量的提案",
            "result-result_summary": "引入社会资源进校园。",
        },
        "showcase": {
            "showcase-showcase_member": members[1].pk,
            "showcase-showcase_reason": "扎根基层教学二十年，带头开展课后服务，深受家长信任。",
        },
        "reflections": {
            "reflections-TOTAL_FORMS": "3",
            "reflections-INITIAL_FORMS": "0",
            "reflections-MIN_NUM_FORMS": "0",
            "reflections-MAX_NUM_FORMS": "30",
            **{f"reflections-{i}-member": m.pk for i, m in enumerate(members)},
            **{f"reflections-{i}-text": "把群众的事当成自己的事。" * 3 for i in range(3)},
        },
        "review": {"review-confirm": "on"},
    }
    client = Client()
    client.force_login(user)
    url = f"/forms/five-ones/?year={year}"
    timings = {name: [] for name in ["open", *steps]}
    for _ in range(args.walks + 1):  # the first walk warms up and is not counted
        FiveOnesFiling.objects.filter(year=year).delete()
        start = time.perf_counter()
        assert client.get(url, HTTP_HOST="localhost").status_code == 200
        timings["open"].append(time.perf_counter() - start)
        for name, data in steps.items():
            start = time.perf_counter()
            response = client.post(url, {f"{prefix}-current_step": name, **data}, HTTP_HOST="localhost")
            timings[name].append(time.perf_counter() - start)
            assert response.status_code in (200, 302), (name, response.status_code)
        assert FiveOnesFiling.objects.filter(year=year).exists()

    print(f"{'wizard step':<14} {'median ms':>10} {'max ms':>8}")
    for name, values in timings.items():
        values = values[1:]
        print(f"{name:<14} {statistics.median(values) * 1000:>10.1f} {max(values) * 1000:>8.1f}")
    print("(review = validate all seven steps, save the filing, draft the 委员风采 story)")

    filing = FiveOnesFiling.objects.get(year=year)
    start = time.perf_counter()
    pdf = filing_pdf(filing)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(10):
        start = time.perf_counter()
        pdf = filing_pdf(filing)
        warm.append(time.perf_counter() - start)
    print(
        f"\nPDF: first {cold * 1000:.0f} ms, warm median {statistics.median(warm) * 1000:.0f} ms, "
        f"{len(pdf) / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()
