"""detente: inspectable, rerunnable models of international crises."""

__version__ = "0.1.0"
