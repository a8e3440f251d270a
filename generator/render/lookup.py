"""Names behind the ids a report carries, masked as ``garage.privacy`` says.

Pages show people and items by name; the report carries ids.  Every customer
name, phone and plate reaches a page only through here, already masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.model import Customer, Records
from generator.render.i18n import label
from generator.render.privacy import Masker, NameFinder, PlateFinder, Unmasked


@dataclass(frozen=True)
class Lookup:
    language: str
    masker: Masker
    records: Records
    as_of: date
    customers: dict[str, Customer]

    @classmethod
    def of(cls, records: Records, as_of: date) -> Lookup:
        garage = records.garage
        names = NameFinder(customer.name for customer in records.customers) if garage.privacy.mask_names else None
        plates = PlateFinder(vehicle.plate for customer in records.customers for vehicle in customer.vehicles) \
            if garage.privacy.mask_plates else None
        customers = {customer.id: customer for customer in records.customers}
        masker = Masker(garage.privacy, names, plates, {id_: customer.name for id_, customer in customers.items()})
        return cls(garage.language, masker, records, as_of, customers)

    def staff(self, staff_id: str | None) -> str:
        """"王强 (SA01)"; an id that is not a staff member (a survey firm) as typed."""
        if not staff_id:
            return ""
        member = self.records.garage.staff_by_id().get(staff_id)
        return Unmasked(f"{member.name} ({staff_id})") if member else staff_id

    def _customer(self, customer_id: str | None) -> Customer | None:
        return self.customers.get(customer_id or "")

    def customer(self, customer_id: str | None) -> str:
        found = self._customer(customer_id)
        if found is None:
            return customer_id or ""
        return f"{self.masker.name(found.name)} ({found.id})"

    def phone(self, customer_id: str | None) -> str:
        found = self._customer(customer_id)
        return self.masker.phone(found.phone) if found else ""

    def plate(self, plate: str | None) -> str:
        return self.masker.plate(plate)

    def free_text(self, value: str | None, about: str | None = None) -> str:
        return self.masker.free_text(value, about)

    def item(self, survey: str | None, item_id: str | None) -> str:
        """An item's question text in the site's language, or its id when unknown."""
        if not item_id:
            return ""
        questionnaires = ([self.records.questionnaires[survey]] if survey in self.records.questionnaires
                          else list(self.records.questionnaires.values()))
        for questionnaire in questionnaires:
            for entry in questionnaire.items():
                if entry.id == item_id:
                    return entry.text.get(self.language)
        return item_id

    def survey_title(self, survey: str | None) -> str:
        """A questionnaire's title in the site's language, or its id when unknown."""
        questionnaire = self.records.questionnaires.get(survey or "")
        return questionnaire.title.get(self.language) if questionnaire else survey or ""

    def section(self, survey: str | None, section_id: str | None) -> str:
        questionnaire = self.records.questionnaires.get(survey or "")
        for section in questionnaire.sections if questionnaire else []:
            if section.id == section_id:
                return section.title.get(self.language)
        return section_id or ""

    def label(self, group: str, value: str | None) -> str:
        return label(self.language, group, value)
