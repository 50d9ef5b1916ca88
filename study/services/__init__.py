"""Services: the only layer that joins the database with the pure core. Services own commits."""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is safe to show to the user."""

    status = 400


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
