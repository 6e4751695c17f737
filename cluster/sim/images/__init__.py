"""The image catalog: what well-known images do when a container runs them, as data a lesson can extend."""
