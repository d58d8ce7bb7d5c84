import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import Member, Party, Profile, Sector, SpecialCommittee, StreetGroup


class SpecialCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialCommittee
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"专委会{n}")
    office = factory.Sequence(lambda n: f"专委会工作{n}室")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"界别{n}")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"党派{n}")


class StreetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreetGroup
        django_get_or_create = ("name",)

    street = factory.Sequence(lambda n: f"街道{n}")
    name = factory.LazyAttribute(lambda o: f"{o.street}活动小组")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = Member.Gender.FEMALE
    sector = factory.SubFactory(SectorFactory)
    employer_title = "区第一中学 教师"
    phone = "13800138000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-lianxin-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
