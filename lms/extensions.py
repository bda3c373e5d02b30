"""Flask extensions, created once and bound to the app in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from lms.db import Base

db = SQLAlchemy(model_class=Base)
# The base class of every model. Type checkers cannot follow db.Model (Flask-SQLAlchemy makes
# it at run time), so they are shown the declarative base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are set on the routes that need them (sign-in, password reset), not globally.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
