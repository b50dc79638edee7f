"""The client book and follow-up tasks (issue 15): above customers, orders, catalogue and
stock, whose rows it reads."""
