"""The committee's reference data (界别, 党派, 专委会, 街道活动小组) and its members."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianxin_site.imports import KeptUpload
from lianxin_site.storage import private_storage

# Mainland mobile numbers, and landlines with an optional area code and extension,
# written the ways a roster spreadsheet writes them (dashes or spaces optional).
PHONE_PATTERN = r"^(1[3-9]\d{9}|(0\d{2,3}[- ]?)?[2-9]\d{6,7}([- ]\d{1,6})?)$"
phone_validator = RegexValidator(
    PHONE_PATTERN,
    _("格式不正确：应为 11 位手机号，或固定电话（如 010-64012345）。"),
)


class ReferenceQuerySet(models.QuerySet):
    def by_name(self):
        """{name: row}, for resolving names from spreadsheets and seeds without a query each."""
        return {obj.name: obj for obj in self}


class OrderedNamedModel(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SpecialCommittee(OrderedNamedModel):
    """专委会, with the working office (专委会工作室) that staffs it."""

    office = models.CharField(
        _("工作室"), max_length=60, help_text=_("承担该专委会日常工作的机关处室，如“专委会工作六室”。")
    )

    class Meta(OrderedNamedModel.Meta):
        verbose_name = _("专委会")
        verbose_name_plural = _("专委会")


class Sector(OrderedNamedModel):
    """界别. Each sector is contacted by one special committee (专委会联系界别)."""

    contact_committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name=_("联系专委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_sectors",
        help_text=_("界别组长的备案表先交这个专委会的工作室。"),
    )

    class Meta(OrderedNamedModel.Meta):
        verbose_name = _("界别")
        verbose_name_plural = _("界别")


class Party(OrderedNamedModel):
    """党派 (including 中共 and 无党派人士)."""

    class Meta(OrderedNamedModel.Meta):
        verbose_name = _("党派")
        verbose_name_plural = _("党派")


class StreetGroup(OrderedNamedModel):
    """委员街道活动小组: one per street, run by a 专委会工作室 with the street, with two of each post
    (组长, 副组长, 联络员: one from the 政协 side and one from the street), see StreetGroupPosition."""

    street = models.CharField(_("街道"), max_length=60, unique=True)
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name=_("对口专委会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="street_groups",
        help_text=_("与街道共同组织本小组活动的专委会（由其工作室负责）。"),
    )
    incomplete = models.BooleanField(
        _("待完善"), default=False, help_text=_("组长、副组长、联络员还没有按政协、街道各一名填齐。")
    )
    unsplit_text = models.TextField(
        _("待整理的原有文字"),
        blank=True,
        help_text=_("原“组长”“联络员”栏中无法自动拆分到职务的文字，整理后可清空。"),
    )

    class Meta(OrderedNamedModel.Meta):
        verbose_name = _("街道活动小组")
        verbose_name_plural = _("街道活动小组")


class Post(models.TextChoices):
    """双组长、双副组长、双联络员 (seed 003 annex 2 第五条)."""

    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    LIAISON = "liaison", _("联络员")


class Side(models.TextChoices):
    CPPCC = "cppcc", _("政协")
    STREET = "street", _("街道")


class StreetGroupPosition(models.Model):
    """One of a street group's six posts: 组长/副组长/联络员 from the 政协 side or the street's."""

    group = models.ForeignKey(
        StreetGroup, verbose_name=_("街道活动小组"), on_delete=models.CASCADE, related_name="positions"
    )
    post = models.CharField(_("职务"), max_length=10, choices=Post.choices)
    side = models.CharField(_("方面"), max_length=10, choices=Side.choices)
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("单位及职务"), max_length=100, blank=True)
    member = models.ForeignKey(
        "Member", verbose_name=_("委员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("小组职务")
        verbose_name_plural = _("小组职务")
        ordering = ["group", "post", "side"]
        constraints = [
            models.UniqueConstraint(fields=["group", "post", "side"], name="one_person_per_post_and_side"),
        ]

    def __str__(self):
        return f"{self.group} · {self.get_side_display()}{self.get_post_display()} · {self.name}"


class ChairRole(models.TextChoices):
    """主席会议职务: a member of the 主席会议 who looks after 常委 (主席联系常委)."""

    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    code = models.CharField(_("委员证号"), max_length=30, unique=True)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("界别"), on_delete=models.PROTECT, related_name="members")
    party = models.ForeignKey(
        Party,
        verbose_name=_("党派"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name=_("专委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    employer_title = models.CharField(_("单位及职务"), max_length=200, blank=True)
    specialties = models.CharField(
        _("专长领域"),
        max_length=200,
        blank=True,
        help_text=_("如“教育管理、青少年心理”；申请建立委员工作室时预先填入。"),
    )
    # Private: staff only. Never rendered on a public page or served by the API.
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[phone_validator])
    is_standing = models.BooleanField(_("是否常委"), default=False)
    # 三联系 (seed 003 annex 3): 主席、副主席 look after 常委; 青年委员 each have a mentor (传帮带).
    chair_role = models.CharField(_("主席会议职务"), max_length=10, choices=ChairRole.choices, blank=True, default="")
    is_youth = models.BooleanField(_("青年委员"), default=False)
    street_group = models.ForeignKey(
        StreetGroup,
        verbose_name=_("街道活动小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("原则上每位委员只参加一个街道活动小组。"),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["code"]
        permissions = [
            ("view_all_members", _("可以查看全部委员")),
            ("import_roster", _("可以导入委员名册")),
            ("export_roster", _("可以导出委员名册")),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class Profile(models.Model):
    """What a login account stands for: the member it belongs to, and the sector, party
    or special committee whose work it does (界别组长 → 界别/党派, 专委会工作室 → 专委会)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    member = models.OneToOneField(
        Member,
        verbose_name=_("委员本人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("负责界别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leader_profiles",
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("负责党派"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leader_profiles",
    )
    committee = models.ForeignKey(
        SpecialCommittee,
        verbose_name=_("所在专委会工作室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profiles",
    )
    # 工作室召集人: the one station this account convenes (a string reference: people sits below
    # content and imports nothing from it). sync_roles keeps a group per station from this field.
    workstation = models.ForeignKey(
        "content.WorkstationPage",
        verbose_name=_("召集的委员工作室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convener_profiles",
    )
    # 街道小组联络员: writes this group's 一街一策 plan and records its activities.
    street_group = models.ForeignKey(
        StreetGroup,
        verbose_name=_("联络的街道活动小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_profiles",
    )

    class Meta:
        verbose_name = _("账号归属")
        verbose_name_plural = _("账号归属")

    def __str__(self):
        return str(self.user)

    def clean(self):
        if self.sector_id and self.party_id:
            raise ValidationError(_("一个界别组长账号只能负责一个界别或一个党派，不能同时负责两者。"))


class RosterImport(KeptUpload):
    """One uploaded roster file: previewed (dry run), then confirmed or abandoned."""

    # Every member's phone and 委员证号: kept where the web server never serves it.
    file = models.FileField(_("文件"), upload_to="roster_imports/%Y/%m/", storage=private_storage)

    class Meta:
        verbose_name = _("名册导入记录")
        verbose_name_plural = _("名册导入记录")
        ordering = ["-uploaded_at"]
