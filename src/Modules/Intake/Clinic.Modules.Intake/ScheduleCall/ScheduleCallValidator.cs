using System.Globalization;
using System.Net.Mail;
using Clinic.Modules.Intake.ConditionOptions;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// The rules a request must pass before anything is stored. One set of rules for every way in:
/// errors are keyed by the form field they belong to, so a page can show each next to its field.
/// </summary>
internal static class ScheduleCallValidator
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxMessageLength = 2000;

    public static Dictionary<string, string[]> Validate(ScheduleCallForm form, ConditionChoices choices)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        CheckName(nameof(form.FirstName), "first name", form.FirstName, Fail);
        CheckName(nameof(form.LastName), "last name", form.LastName, Fail);

        var email = form.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            Fail(nameof(form.Email), "Please enter your e-mail address.");
        }
        else if (email.Length > MaxEmailLength || !IsEmailAddress(email))
        {
            Fail(nameof(form.Email), "Please enter a valid e-mail address, like name@example.com.");
        }

        var phone = form.Phone?.Trim();
        if (string.IsNullOrEmpty(phone))
        {
            Fail(nameof(form.Phone), "Please enter a phone number we can call.");
        }
        else if (!IsPhoneNumber(phone))
        {
            Fail(nameof(form.Phone), "Please enter a valid phone number: 7 to 15 digits, spaces, dashes, brackets and a leading + are fine.");
        }

        if (!ScheduleCallForm.ContactMethods.Any(m => m.Value == form.PreferredContact))
        {
            Fail(nameof(form.PreferredContact), "Please use the dropdown to choose how we should contact you.");
        }

        if (string.IsNullOrEmpty(form.Condition) || !choices.Offers(form.Condition))
        {
            Fail(nameof(form.Condition), "Please use the dropdown to choose a condition, or \"Other / not sure\".");
        }

        if (!ScheduleCallForm.CallTimes.Any(t => t.Value == form.BestTimeToCall))
        {
            Fail(nameof(form.BestTimeToCall), "Please use the dropdown to choose the best time to call.");
        }

        if (form.Message is { Length: > MaxMessageLength })
        {
            Fail(nameof(form.Message), $"Please keep your message under {MaxMessageLength} characters (it has {form.Message.Length}).");
        }
        else if (form.Message is not null && form.Message.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')))
        {
            // Only invisible control characters are refused. A person's words never are, however they look
            // ("my heart is broken </3"): they are stored as typed and encoded wherever they are shown.
            Fail(nameof(form.Message), "Your message contains characters we cannot store; please retype it.");
        }

        if (!form.AcceptTerms)
        {
            Fail(nameof(form.AcceptTerms), "Please accept our terms and privacy notice by ticking the box.");
        }

        return errors;
    }

    private static void CheckName(string field, string label, string? value, Action<string, string> fail)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            fail(field, $"Please enter your {label}.");
        }
        else if (name.Length > MaxNameLength)
        {
            fail(field, $"Please shorten your {label} to {MaxNameLength} characters or fewer.");
        }
        else if (!name.All(IsNameCharacter))
        {
            fail(field, $"Please use only letters, spaces, hyphens, apostrophes, full stops and commas in your {label}.");
        }
    }

    /// <summary>
    /// Letters and their accents in any script, spaces, hyphens and dashes, apostrophes in their usual forms
    /// (including the Hawaiian ʻokina, a letter already), full stops, commas ("King, Jr."), middle dots
    /// (Catalan "Gal·la", Japanese "ジョン・スミス") and the zero-width joiners Persian and Indic names need.
    /// Digits, symbols, emoji and control characters are not part of a name.
    /// </summary>
    private static bool IsNameCharacter(char c) =>
        char.IsLetter(c)
        || c is '\'' or '\u2018' or '\u2019' or '`' or '\u00B4' or '.' or ',' or '\u00B7' or '\u30FB' or '\u200C' or '\u200D'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.DashPunctuation
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsEmailAddress(string email) =>
        MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !email.Any(char.IsControl);

    private static bool IsPhoneNumber(string phone)
    {
        if (phone.Length > 30 || !phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '.' or '+'))
        {
            return false;
        }

        if (phone.LastIndexOf('+') > 0)
        {
            return false;
        }

        var digits = phone.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15;
    }
}
