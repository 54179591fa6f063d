import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import DeputyLevel, Role, User
from campaigns.models import Batch, Campaign, EvaluatedDepartment, Nomination
from departments.models import Department, DepartmentAlias, District, Organizer, Town

PASSWORD = "test-pass-123"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}区")


class TownFactory(DjangoModelFactory):
    class Meta:
        model = Town

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}街道")
    kind = Town.Kind.STREET


class OrganizerFactory(DjangoModelFactory):
    class Meta:
        model = Organizer

    name = factory.Sequence(lambda n: f"测试市{n}人大常委会")
    level = Organizer.Level.CITY


class DistrictOrganizerFactory(OrganizerFactory):
    name = factory.Sequence(lambda n: f"测试区{n}人大常委会")
    level = Organizer.Level.DISTRICT
    district = factory.SubFactory(DistrictFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    slug = factory.Sequence(lambda n: f"dept-{n}")
    kind = Department.Kind.GOVERNMENT


class DepartmentAliasFactory(DjangoModelFactory):
    class Meta:
        model = DepartmentAlias

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"别名{n}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    organizer = factory.SubFactory(OrganizerFactory)
    year = factory.Sequence(lambda n: 2000 + n)
    title = factory.LazyAttribute(lambda o: f"{o.year}年专项工作评议")
    slug = factory.LazyAttribute(lambda o: f"c{o.year}-{o.organizer.pk}")
    evaluation_start = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    evaluation_end = factory.LazyAttribute(lambda o: dt.date(o.year, 10, 31))


class BatchFactory(DjangoModelFactory):
    class Meta:
        model = Batch

    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}批")


class EvaluatedDepartmentFactory(DjangoModelFactory):
    class Meta:
        model = EvaluatedDepartment

    batch = factory.SubFactory(BatchFactory)
    campaign = factory.SelfAttribute("batch.campaign")
    department = factory.SubFactory(DepartmentFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.DEPUTY
    deputy_level = DeputyLevel.CITY
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    role = Role.STAFF
    deputy_level = ""
    organizer = factory.SubFactory(OrganizerFactory)
    is_staff = True


class MemberFactory(StaffFactory):
    role = Role.MEMBER
    is_staff = False


class ResearcherFactory(StaffFactory):
    role = Role.RESEARCHER
    is_staff = False


class LiaisonFactory(UserFactory):
    role = Role.LIAISON
    deputy_level = ""
    department = factory.SubFactory(DepartmentFactory)


class DeputyFactory(UserFactory):
    role = Role.DEPUTY
    deputy_level = DeputyLevel.DISTRICT
    district = factory.SubFactory(DistrictFactory)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    deputy_level = ""
    is_staff = True
    is_superuser = True


ROLE_FACTORIES = {
    Role.STAFF: StaffFactory,
    Role.MEMBER: MemberFactory,
    Role.RESEARCHER: ResearcherFactory,
    Role.LIAISON: LiaisonFactory,
    Role.DEPUTY: DeputyFactory,
    Role.ADMIN: AdminFactory,
}


class NominationFactory(DjangoModelFactory):
    class Meta:
        model = Nomination

    batch = factory.SubFactory(BatchFactory)
    department = factory.SubFactory(DepartmentFactory)
    reason = "群众反映问题较多"
