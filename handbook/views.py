"""/my/reflections/: a member's own 履职心语 — write one, change it until an editor marks it,
withdraw it, see its picture. Whose page it is comes from rules.member_of(user) alone; another
member's entry is a 404. The pages are never cached."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from forms_app.models import Reflection
from lianxin_site.refusals import page_for

from . import rules
from .forms import OwnReflectionForm

NOT_A_MEMBER = "只有委员本人可以投稿履职心语：这个账号没有对应的委员。如有疑问，请联系委员联络室。"
GONE = "这条履职心语已经撤回或不存在，没有保存修改。"


member_page = page_for(lambda user: rules.member_of(user), NOT_A_MEMBER)


def page(request, member, form, editing=None):
    entries = list(rules.entries_of(member))
    for entry in entries:
        entry.changeable = rules.may_change(entry)
        entry.refusal = (
            "" if entry.changeable or entry.source != Reflection.Source.MEMBER else rules.change_refusal(entry)
        )
    return render(
        request,
        "handbook/front/mine.html",
        {"member": member, "form": form, "editing": editing, "entries": entries, "text_max": rules.TEXT_MAX},
    )


def save(request, member, form, pk=None):
    """Save through rules.save_own; None when saved, else the page with the form as typed."""
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = rules.save_own(
                member, request.user, text=data["text"], genre=data["genre"], image=data["image"], pk=pk
            )
        except Reflection.DoesNotExist:
            messages.error(request, GONE)
            return None
        except rules.ReflectionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已{'修改' if pk else '提交'}：{saved.year}年的一条履职心语（{saved.get_genre_display()}）。"
            )
            return None
    return page(request, member, form, editing=pk)


@member_page
def my_reflections(request, member):
    """The list and 写一条履职心语 (POST here saves a new one)."""
    if request.method == "POST":
        form = OwnReflectionForm(request.POST, request.FILES)
        return save(request, member, form) or redirect("my_reflections")
    return page(request, member, OwnReflectionForm())


@member_page
def reflection_edit(request, member, pk):
    entry = rules.entries_of(member).filter(pk=pk).first()
    if entry is None and request.method == "POST":  # withdrawn a moment ago, in another tab
        messages.error(request, GONE)
        return redirect("my_reflections")
    if entry is None:
        raise Http404("没有这条履职心语。")
    if not rules.may_change(entry):
        messages.error(request, rules.change_refusal(entry))
        return redirect("my_reflections")
    if request.method == "POST":
        form = OwnReflectionForm(request.POST, request.FILES)
        return save(request, member, form, pk=pk) or redirect("my_reflections")
    return page(request, member, OwnReflectionForm(initial={"text": entry.text, "genre": entry.genre}), editing=pk)


@member_page
def reflection_withdraw(request, member, pk):
    """GET asks to confirm; POST withdraws through rules.withdraw_own (an entry withdrawn a
    moment ago in another tab, or not the member's own, gives a message and changes nothing)."""
    if request.method == "POST":
        try:
            rules.withdraw_own(member, pk)
        except Reflection.DoesNotExist:
            messages.error(request, "这条履职心语已经撤回或不存在。")
        else:
            messages.success(request, "已撤回这条履职心语。")
        return redirect("my_reflections")
    entry = get_object_or_404(rules.entries_of(member).filter(source=Reflection.Source.MEMBER), pk=pk)
    return render(request, "handbook/front/withdraw.html", {"entry": entry, "printed": list(rules.printed_in(entry))})


@member_page
def reflection_image(request, member, pk):
    """The entry's picture from private storage, to its author."""
    entry = get_object_or_404(rules.entries_of(member), pk=pk)
    if not entry.image or not entry.image.storage.exists(entry.image.name):
        raise Http404("图片已不存在。")
    response = FileResponse(entry.image.open("rb"))
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
