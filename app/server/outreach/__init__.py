"""Clienteling outreach: looks an associate sends to a client, and the durable outbox the
worker sends them from (app/domain/outreach.py holds the rules)."""
