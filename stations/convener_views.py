"""/forms/station/: a 工作室召集人 on the phone. 发动态 (a draft 动态 submitted to 内容审核 in one
go), 计划 (this and next year's 年度计划, a station-page revision reviewed too), 我的提交 (待审核 /
已发布 / 退回 with the reviewer's comment, and 修改后重新提交 for a returned post).

Whose station it is comes from convener.station_of(user) (rules.convener_station) alone; a post
is fetched through convener.posts_of(station), so another station's is a 404. Every write is one
call to stations/convener.py; its refusal is shown beside the field it names and everything
typed stays (pictures must be chosen again: browsers do not keep files). Never cached."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from content import drafts
from lianxin_site.refusals import page_for

from . import convener
from .convener_forms import PlanFormSet, PostForm

NOT_A_CONVENER = "只有工作室召集人可以使用这个页面：这个账号没有召集的委员工作室。如有疑问，请联系委员联络室。"
PICTURES_AGAIN = "为安全起见，浏览器不会保留已选的图片：请重新选择图片。"


convener_page = page_for(lambda user: convener.station_of(user), NOT_A_CONVENER)


def _records_links():
    """The convener's other records: 季度例会 and 履职日志 (records_views)."""
    return [(_("季度例会"), reverse("station_meetings")), (_("履职日志"), reverse("station_logs"))]


def _submission_rows(station, user):
    posts = list(convener.posts_of(station).filter(owner=user).select_related("activity_day"))
    states = convener.workflow_states([p.pk for p in posts])
    rows = []
    for post in posts:
        state = states.get(post.pk)
        status, comment = convener.status_of(post, state)
        rows.append(
            {
                "post": post,
                "status": status,
                "comment": comment,
                "when": state.created_at if state else post.latest_revision_created_at,
                "may_edit": convener.may_resubmit(post, state),
            }
        )
    return rows


@convener_page
def station_home(request, station):
    rows = _submission_rows(station, request.user)
    counts = {word: sum(1 for r in rows if r["status"] == word) for word in (convener.PENDING, convener.RETURNED)}
    return render(
        request,
        "stations/convener/home.html",
        {
            "station": station,
            "rows": rows[:5],
            "counts": counts,
            "plan_state": convener.plan_state(station),
            "years": convener.plan_years(),
            "records_links": _records_links(),
        },
    )


def _post_page(request, station, post=None):
    """发动态, or 修改后重新提交 a returned one."""
    latest = post.get_latest_revision_as_object() if post is not None else None
    form_kwargs = {"station": station, "keep_day": latest.activity_day_id if latest else None}
    chosen = False
    if request.method == "POST":
        form = PostForm(request.POST, **form_kwargs)
        pictures = request.FILES.getlist("pictures")
        chosen = bool(pictures)
        if form.is_valid():
            try:
                if post is None:
                    saved = convener.submit_post(request.user, pictures=pictures, **form.values())
                else:
                    saved = convener.resubmit_post(request.user, post.pk, pictures=pictures, **form.values())
            except convener.ConvenerError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
                if error.field == "pictures":
                    form.picture_error = str(error)
            else:
                messages.success(
                    request,
                    f"《{saved.draft_title}》已提交审核：审核员批准后会发布在工作室页面上，可在“我的提交”查看进度。",
                )
                return redirect("station_submissions")
    elif latest is not None:
        form = PostForm(
            initial={
                "title": latest.title,
                "date": latest.date,
                "category": latest.category,
                "activity_day": latest.activity_day_id,
                "text": "\n".join(drafts.paragraph_lines(latest.text)),
            },
            **form_kwargs,
        )
    else:
        form = PostForm(**form_kwargs)
    state = convener.workflow_states([post.pk]).get(post.pk) if post is not None else None
    return render(
        request,
        "stations/convener/post_form.html",
        {
            "station": station,
            "form": form,
            "post": post,
            "latest": latest,
            "comment": convener.status_of(post, state)[1] if post is not None else "",
            "pictures_again": PICTURES_AGAIN if chosen and form.errors else "",
            "picture_error": getattr(form, "picture_error", ""),
            "max_pictures": convener.MAX_PICTURES,
            "picture_rule": convener.PICTURE_RULE,
        },
    )


@convener_page
def station_post(request, station):
    return _post_page(request, station)


@convener_page
def station_post_edit(request, station, pk):
    post = convener.posts_of(station).filter(pk=pk, owner=request.user).first()
    if post is None:
        raise Http404("没有这条动态。")
    state = convener.workflow_states([post.pk]).get(post.pk)
    if not convener.may_resubmit(post, state):
        status, _comment = convener.status_of(post, state)
        messages.info(request, f"《{post.draft_title}》{status}，不能修改。")
        return redirect("station_submissions")
    return _post_page(request, station, post)


@convener_page
def station_plan(request, station):
    years = convener.plan_years()
    year = years[0]
    asked = request.GET.get("year") or request.POST.get("year")
    if asked and asked.isdecimal() and int(asked) in years:
        year = int(asked)
    state = convener.plan_state(station)
    days = convener.activity_day_choices(station)
    error = ""
    if request.method == "POST":
        formset = PlanFormSet(request.POST, year=year, form_kwargs={"days": days})
        based_on = request.POST.get("based_on")
        if formset.is_valid():
            try:
                convener.submit_plan(
                    request.user,
                    year,
                    [item for _, item in formset.items()],
                    based_on=int(based_on) if based_on and based_on.isdecimal() else None,
                )
            except convener.ConvenerError as refusal:
                error = str(refusal)
            else:
                messages.success(request, f"{year} 年计划已提交审核：审核员批准后工作室页面才会显示新的计划。")
                return redirect("station_submissions")
    else:
        items = convener.plan_items_of(station, year)
        formset = PlanFormSet(
            initial=[
                {"date": i.date, "title": i.title, "participants": i.participants, "activity_day": i.activity_day_id}
                for i in items
            ],
            year=year,
            form_kwargs={"days": days},
        )
    return render(
        request,
        "stations/convener/plan.html",
        {
            "station": station,
            "formset": formset,
            "year": year,
            "years": years,
            "state": state,
            "in_review": state is not None and state.status == state.STATUS_IN_PROGRESS,
            "returned_comment": convener.status_of(station, state)[1] if state else "",
            "based_on": station.latest_revision_id or "",
            "error": error,
        },
    )


@convener_page
def station_submissions(request, station):
    return render(
        request,
        "stations/convener/submissions.html",
        {
            "station": station,
            "rows": _submission_rows(station, request.user),
            "plans": convener.plan_submissions(station, request.user),
            "plan_url": reverse("station_plan"),
        },
    )


urlpatterns = [
    path("", station_home, name="station_home"),
    path("post/", station_post, name="station_post"),
    path("post/<int:pk>/", station_post_edit, name="station_post_edit"),
    path("plan/", station_plan, name="station_plan"),
    path("submissions/", station_submissions, name="station_submissions"),
]
