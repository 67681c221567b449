from flask import Blueprint

bp = Blueprint("fire", __name__, url_prefix="/fire")
