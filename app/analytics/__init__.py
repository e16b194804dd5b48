"""Dashboard analytics: reply rate, response times, backlog, intent and sentiment mix."""
