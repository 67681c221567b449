from flask import Blueprint

bp = Blueprint("fund", __name__, url_prefix="/fund")
