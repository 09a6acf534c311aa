"""Issue 16.7: a message in a language Roundwise does not answer in is reported as such.

Detection runs across every language lingua knows (``engine.understand.all_languages``),
so a Czech, Slovak, Turkish or Spanish message is never read as one of the six supported
languages; it carries its own ISO 639-1 code and goes to review. Supported messages keep
their language. (The examples are written for this test, not corpus messages.)
"""

from __future__ import annotations

import pytest

from roundwise.engine.understand import RequestContext, analyse_request

CONTEXT = RequestContext(deliverable_id="home", contract_language="en")

OTHER = [
    ("cs", "Můžete prosím změnit barvu loga? Modrá se mi vůbec nelíbí."),
    ("sk", "Môžete prosím zmeniť farbu loga? Modrá sa mi vôbec nepáči."),
    ("tr", "Logonun rengini değiştirebilir misiniz? Maviyi hiç sevmedim."),
    ("es", "Hola, ¿podrías cambiar el color del logotipo? No me gusta nada el azul."),
    ("de", "Können Sie bitte die Überschrift ändern und den zweiten Absatz kürzen? Danke!"),
    ("pt", "Você pode mudar a cor do logotipo? Não gosto nada do azul."),
    ("bg", "Можете ли да смените цвета на логото? Синият изобщо не ми харесва."),
    ("uk", "Чи можете ви змінити колір логотипу? Синій мені зовсім не подобається."),
    ("ru", "Вы не могли бы поправить нам перевод, пожалуйста?"),
    ("mk", "Дали може да ја смените бојата на логото? Воопшто не ми се допаѓа сината."),
    ("zh", "你能把标志的颜色改一下吗？我一点也不喜欢蓝色。"),
    ("ar", "هل يمكنك تغيير لون الشعار؟ لا أحب اللون الأزرق على الإطلاق."),
]

SUPPORTED = [
    ("en", "Could you change the logo colour? I don't like the blue at all."),
    ("sl", "Ali lahko spremenite barvo logotipa? Modra mi sploh ni všeč."),
    ("pl", "Czy możesz zmienić kolor logo? Niebieski w ogóle mi się nie podoba."),
    ("sr", "Možete li da promenite boju logotipa? Plava mi se uopšte ne sviđa."),
    ("sr", "Можете ли да промените боју логотипа? Плава ми се уопште не свиђа."),
    ("sr", "Молим вас да скратите први пасус текста на почетној страни."),
    ("el", "Μπορείτε να αλλάξετε το χρώμα του λογότυπου; Δεν μου αρέσει καθόλου το μπλε."),
    ("ka", "შეგიძლიათ ლოგოს ფერი შეცვალოთ? ლურჯი საერთოდ არ მომწონს."),
]


@pytest.mark.parametrize(("code", "message"), OTHER)
def test_a_message_in_another_language_is_reported_with_its_code_and_goes_to_review(
    code: str, message: str
) -> None:
    analysis = analyse_request(message, CONTEXT)
    assert analysis.language == code
    assert analysis.assessment is not None
    assert analysis.assessment.needs_review
    assert any(code in reason for reason in analysis.assessment.review_reasons)


@pytest.mark.parametrize(("code", "message"), SUPPORTED)
def test_a_supported_message_keeps_its_language(code: str, message: str) -> None:
    analysis = analyse_request(message, CONTEXT)
    assert analysis.language == code
    assert analysis.language_method != "all_languages"


def test_a_short_message_is_left_to_the_prior() -> None:
    assert analyse_request("Gracias, perfecto!", CONTEXT).language == "en"


def test_a_reading_lingua_doubts_goes_to_review_with_the_other_language_named() -> None:
    # lingua reads this Indonesian sentence as Malay with 0.93: not sure enough to report
    # Malay, too sure to answer it as the Serbian the six-language detector says.
    analysis = analyse_request(
        "Tolong ganti warna logonya, saya tidak suka biru sama sekali.", CONTEXT
    )
    assert analysis.assessment is not None
    assert analysis.assessment.needs_review
    assert any("language unsure" in r for r in analysis.assessment.review_reasons)
