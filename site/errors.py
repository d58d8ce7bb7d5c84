"""The one base class of the errors a rule raises to refuse an action."""


class DomainError(Exception):
    """A rule refused what the user asked for: not allowed now, someone else acted first, a
    deadline passed. str(error) is a whole sentence in Chinese meant for the user, so a view
    shows it as it is (a message, or a form error) and keeps what the user typed.

    Each feature names its own subclass (RouteError, ApplicationError, StatsError …) so that a
    test or a caller can tell them apart; views may catch DomainError itself."""
