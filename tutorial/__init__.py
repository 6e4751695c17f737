"""The Django project for Podium and its learning side: lessons, checks, classrooms, progress, pages."""
