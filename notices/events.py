"""Receivers that turn events elsewhere (a filing submitted, a case registered…) into notifications."""
