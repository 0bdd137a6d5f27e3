"""The locality picker every form with a place uses."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from community.places.services import all_localities, tree_order


def locality_choices(blank_label=_l("— choose —")) -> list[SelectChoice]:
    """Choices for a locality select: a blank first, then the tree, indented by depth."""
    choices = [SelectChoice("", str(blank_label))]
    for locality in tree_order(all_localities()):
        choices.append(SelectChoice(str(locality.id), "\u2003" * locality.depth + locality.name))
    return choices


def _locality_id(value):
    """The chosen id as an int; anything else is kept as text so validation can refuse it."""
    if value in (None, ""):
        return None
    return int(value) if str(value).isdecimal() else str(value)


class LocalityField(SelectField):
    """A select of all localities in tree order; its data is the chosen locality id or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _locality_id)
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, validators, **kwargs)

    def load_choices(self) -> None:
        """Fill the choices from the database; call in the view before rendering or validating."""
        self.choices = locality_choices()

    def pre_validate(self, form) -> None:
        if self.data is not None and str(self.data) not in {choice.value for choice in self.choices or []}:
            raise ValidationError(_l("Choose a locality from the list."))
