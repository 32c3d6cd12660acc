import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def merchandiser(db):
    return UserFactory(username="merch", groups=["Merchandisers"])


@pytest.fixture
def publisher(db):
    return UserFactory(username="pub", groups=["Publishers"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def groups(db):
    """The editorial groups made by the catalog migration."""
    return {group.name: group for group in Group.objects.all()}
