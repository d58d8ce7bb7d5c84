"""Demo content for notices: the 通知公告 page with seed 000's 委员基层日 notice and its blank 备案表
(PDF and xlsx, S000-17), one 政协信息 and one 党派活动 notice (seed 004 item 15), and the 活动通知
drafts of the demo 委员活动日 (S001-12)."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from wagtail.documents import get_document_model

from content.drafts import paragraphs
from content.models import HomePage
from lianxin_site.committee import committee_name

from .drafts import draft_activity_notice
from .models import FILING_NOTICE_SLUG, NoticeAttachment, NoticeColumn, NoticeIndexPage, NoticePage

# Seed 000, the committee's notice, in its own words; {name} and {district} are this committee's.
FILING_NOTICE_TITLE = "关于开展“委员基层日”活动的通知"
FILING_NOTICE = """各专委会、各党派、各界别：
政协委员基层日活动是{name}按照中央、市、区委区政府关于改进工作作风、密切联系群众的有关规定，紧紧围绕区委中心工作，坚持政协五位一体联动，团结依靠各界委员，在全局中谋划，在大局下行动，集中各界力量，开展的一项贯通各项履职工作活动。委员基层日活动不是单指某一日，而是通过活动的形式引导委员全方位地关注发展，全天候地关注民生，履行好政协委员职责。
为进一步强化委员通过界别渠道密切联系群众的意识，增强界别活动实效，按照区政协年度工作要点工作部署，结合区政协工作要点和协商工作安排，现就“委员基层日”活动有关事宜通知如下：
# 一、活动内容
1、明确一个活动主题。政协界别是党和政府密切联系群众的重要渠道，发挥界别优势，便于党和政府了解民情、把握民意，协调关系、凝聚人心，维护社会的和谐与稳定。各党派、各界别应根据界别领域情况，明确基层日主题，设计活动形式、载体，规范活动程序，进一步增强界别委员联系群众意识。各民主党派参照以往的模式，组织党派成员继续开展活动。
2、组织一次走进基层活动。各党派、各界别应围绕确定的基层日主题，发挥党派优势，界别委员专长，面向基层群众，开展送文化、卫生、教育、科技、法律、体育进基层活动，积极为群众解难事、办实事。也可通过走进社区、走进企业、采用学习座谈、联络联谊、通报咨询、调研研讨、走访慰问等多种方式倾听民意，宣传政策，释疑解惑，助推发展。
3、提交一篇履职成果。各党派、各界别围绕基层日主题开展视察调研活动，也可就本界别承担议题，组织本党派成员、本界别委员深入基层，走进一线，开展调研视察考察活动。各党派、各界别每年以集体名义向政协全会至少提交一篇提案、社情民意或大会发言等履职成果，为区委、区政府科学决策提供参考。
4、展示一名委员履职风采。各党派、各界别要将基层日活动作为了解委员履职情况的平台，要积极推荐本党派、本界别履职较为突出的一名委员，展示党派委员、界别委员在本职工作中的带头作用、政协工作中的主体作用、界别群众中的代表作用。区政协将向区电视台、区报、区政协微信公众号、{name}网站等平台统筹推送委员履职风采，彰显{district}委员的良好形象。
5、提交一批履职心语。各党派、各界别要围绕主题活动，动员委员积极撰写履职心语，并向区政协提交一批履职心语。履职心语文体不限、字数不限，可以是一句话、一首诗、一篇故事、一首歌、一副字，真实反映委员履职的所思、所想、所悟，切忌抄袭。区政协将遴选优秀履职心语，通过《委员履职手册》等刊物发至全体委员进行学习交流。
# 二、工作机制
1、界别组长负责机制。各党派、各界别负责人要高度重视，要整合本界别委员智力资源，精心组织好本界别委员开展活动，切实发挥界别在履行政协职能中的重要作用。各界别开展基层日活动以本界别委员为主，也可适当吸收其它界别委员参加活动。人数较多的界别，可根据实际情况，分批组织活动；对平时参加活动较少的委员，要创造条件使他们尽量参加界别活动，充分发挥好界别优势。
2、专委会依托机制。各专委会作为党派和界别开展活动的重要依托，要主动热情地指导、帮助党派和界别开展基层日活动，及时向所联系界别传达相关精神，要主动将界别工作纳入工作日程，积极参与并指导界别开展适合界别特点的履职活动，协助界别制定计划、组织实施、提供必要的经费保障。要加强与各党派、各界别信息沟通，就开展活动、履行职责、收集意见建议等情况加强信息沟通和信息报送，以便区政协全方位掌握活动进度。
3、统筹管理机制。专委会工作六室作为委员“基层日活动”的主要负责部门，要加强与各专委会工作室、各党派、各界别的沟通和联系，做好活动跟踪、沟通、总结等工作，定期向主席会报告活动进展。要加强与区电视台、区报、区政协微信公众号等媒体的沟通，做好委员履职事迹的采写和宣传报道工作。
# 三、工作要求
1、各党派、各界别要指定专人对每位政协委员参加活动的出勤进行登记，同时对其在活动中发挥的作用进行记录，及时反馈各专委会工作室录入委员履职量化记分系统。
2、各界别组长要在3月底前将本基层日“五个一活动”备案表交所联系的专委会工作室，由各专委会工作室统一转交专委会工作六室存档，各党派负责人直接交到专委会工作六室。
3、研究室要对各专委会、各党派、各界别所反映的社情民意及时进行整理，报送区委、区政府。
附件：{name}委员基层日“五个一活动”备案表（PDF、Excel 各一份，见下方附件下载）"""

BULLETIN = (
    "《政协信息》第1期：人民政协的主要职能",
    "人民政协的主要职能是政治协商、民主监督、参政议政。",
    """政治协商是对国家和地方的大政方针以及政治、经济、文化和社会生活中的重要问题在决策之前进行协商，和就决策执行过程中的重要问题进行协商。
民主监督是对国家宪法、法律和法规的实施，重大方针政策的贯彻执行，国家机关及其工作人员的工作，通过建议和批评进行监督。
参政议政是对政治、经济、文化和社会生活中的重要问题以及人民群众普遍关心的问题，开展调查研究，反映社情民意，进行协商讨论。
本期《政协信息》还刊登了各党派、各界别开展委员基层日活动的情况，欢迎委员来稿。""",
)

PARTY_NEWS = (
    "民盟区委会开展“送教进社区”委员基层日活动",
    "民盟委员走进社区，为居民开设家庭教育讲座。",
    """民盟区委会围绕“教育惠民”主题，组织盟员委员走进社区开展委员基层日活动。
委员们为社区居民开设家庭教育讲座，现场解答家长提问，并就社区托育服务听取居民意见，形成社情民意信息一篇。""",
)


def filing_notice_body(name=None, district=None):
    """Seed 000's notice as rich text: "# " lines are headings, the rest paragraphs, all escaped."""
    name = name or committee_name()
    district = district or settings.COMMITTEE_DISTRICT
    parts = []
    for line in FILING_NOTICE.format(name=name, district=district).splitlines():
        if line.startswith("# "):
            parts.append(str(format_html("<h3>{}</h3>", line[2:])))
        else:
            parts.append(paragraphs(line))
    return "".join(parts)


def _document(title, filename, content):
    """A Wagtail document in the root (public) collection, made once and found again by its title."""
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(content), save=False)
        document.file_size = len(content)
        document.save()
    return document


def blank_filing_documents():
    """The blank 备案表 as two documents, PDF and xlsx (made once)."""
    from forms_app.five_ones.pdf import blank_filing_pdf
    from forms_app.five_ones.sheets import blank_filing_xlsx

    title = f"{committee_name()}委员基层日“五个一活动”备案表"
    return [
        _document(f"{title}（PDF）", "wuge-yi-beianbiao.pdf", blank_filing_pdf()),
        _document(f"{title}（Excel）", "wuge-yi-beianbiao.xlsx", blank_filing_xlsx()),
    ]


def _notice(index, slug, documents=list, **fields):
    """A published notice under `index`, made once (found again by its slug); `documents()` gives
    its attachments, called only when it is made (a PDF takes a moment to render)."""
    notice = NoticePage.objects.child_of(index).filter(slug=slug).first()
    if notice is not None:
        return notice
    notice = NoticePage(slug=slug, **fields)
    notice.attachments = [NoticeAttachment(document=document, sort_order=n) for n, document in enumerate(documents())]
    index.add_child(instance=notice)
    notice.save_revision().publish()
    return notice


@transaction.atomic
def seed_notices(today=None):
    """Idempotent: each page and document is looked up (by slug, by title) before it is made."""
    from people.models import Party

    today = today or timezone.localdate()
    home = HomePage.objects.first()
    if home is None:
        return
    index = NoticeIndexPage.objects.child_of(home).filter(slug="notices").first()
    if index is None:
        index = NoticeIndexPage(
            slug="notices",
            title="通知公告",
            intro="<p>区政协公告栏、《政协信息》和各党派活动。委员基层日“五个一活动”备案表请在公告栏下载。</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()

    _notice(
        index,
        FILING_NOTICE_SLUG,
        documents=blank_filing_documents,
        title=FILING_NOTICE_TITLE,
        column=NoticeColumn.BOARD,
        date=datetime.date(today.year, 1, 10) if today >= datetime.date(today.year, 1, 10) else today,
        lead="各界别组长请在3月底前将“五个一活动”备案表交所联系的专委会工作室，各党派负责人交专委会工作六室。",
        body=filing_notice_body(),
    )

    _notice(
        index,
        "zhengxie-xinxi-1",
        title=BULLETIN[0],
        column=NoticeColumn.BULLETIN,
        date=today - datetime.timedelta(days=20),
        lead=BULLETIN[1],
        body=paragraphs(BULLETIN[2]),
    )

    party = Party.objects.filter(name="民盟").first() or Party.objects.exclude(name="中国共产党").first()
    if party is not None:
        _notice(
            index,
            "dangpai-minmeng-songjiao",
            title=PARTY_NEWS[0],
            column=NoticeColumn.PARTY,
            party=party,
            date=today - datetime.timedelta(days=12),
            lead=PARTY_NEWS[1],
            body=paragraphs(PARTY_NEWS[2]),
        )

    # The demo 委员活动日 were saved before 通知公告 existed: draft their 活动通知 now.
    from forms_app.activity_day.models import ActivityDay

    for day in ActivityDay.objects.filter(notices=None):
        draft_activity_notice(day)
