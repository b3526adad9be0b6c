import pytest

from chiso.api.models import ApiToken
from chiso.metrics.tests.conftest import metrics, q1  # noqa: F401  (shared fixtures)


@pytest.fixture
def tokens(people):
    """A raw token per role."""
    return {role: ApiToken.issue(user, f"khóa {role}")[1] for role, user in people.items()}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
