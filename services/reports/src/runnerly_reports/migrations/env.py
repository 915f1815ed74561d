from runnerly_kit.db import run_alembic_env
from runnerly_reports.models import Model

run_alembic_env(Model.metadata)
