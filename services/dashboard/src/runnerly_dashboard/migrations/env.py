from runnerly_dashboard.models import Model
from runnerly_kit.db import run_alembic_env

run_alembic_env(Model.metadata)
