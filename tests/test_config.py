"""Settings: production mode refuses to start without a secret key."""

import pytest
from pydantic import ValidationError

from app.config import Settings


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ValidationError, match="TANGGAP_SECRET_KEY"):
        Settings(environment="production", secret_key="")
    assert Settings(environment="production", secret_key="s3cret").environment == "production"


def test_development_may_run_without_a_secret_key() -> None:
    assert not Settings(environment="development", secret_key="").secret_key.get_secret_value()
