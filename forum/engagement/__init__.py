"""Engagement ("social gaming"): points for helping another city, badges and leaderboards."""
