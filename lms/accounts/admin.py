"""User administration for admins: find accounts, change roles, invite people."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from lms.access import ADMIN, requires
from lms.accounts import bp, services
from lms.accounts.forms import ROLE_LABELS, InviteForm, RoleForm
from lms.accounts.models import Role
from lms.forms import render_form


@bp.route("/admin/users")
@requires(ADMIN)
def admin_users() -> ResponseReturnValue:
    """List accounts, with search and a role filter."""
    query = request.args.get("q", "")[:200]
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in Role} else None
    page = request.args.get("page", 1, type=int) or 1
    users = services.list_users(query, role, page)
    return render_template("admin/users.html", users=users, query=query, role=role,
                           role_labels=ROLE_LABELS, role_form=RoleForm())


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@requires(ADMIN)
def admin_set_role(user_id: int) -> ResponseReturnValue:
    """Change one user's role."""
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = services.set_role(current_user, user_id, Role(form.role.data))
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(_back_to_the_list(), code=303)
    flash(gettext("%(name)s is now: %(role)s.", name=user.name, role=ROLE_LABELS[user.role]),
          "success")
    return redirect(_back_to_the_list(), code=303)


def _back_to_the_list() -> str:
    """The user list as the admin left it: the same search, role filter and page."""
    kept: dict[str, Any] = {key: request.args.get(key, "")[:200] for key in ("q", "role", "page")}
    return url_for("accounts.admin_users", **{key: value for key, value in kept.items() if value})


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@requires(ADMIN)
def admin_invite() -> ResponseReturnValue:
    """Invite someone by email to choose a password and join."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite(email=form.email.data, name=form.name.data,
                                   role=Role(form.role.data), locale=form.locale.data,
                                   invited_by=current_user)
        except services.AccountError as error:
            form.email.errors = [str(error)]
        else:
            flash(gettext("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.admin_users"))
    return render_form("admin/invite.html", form)
