using Clinic.Modules.Intake.ConditionOptions;
using Clinic.Modules.Intake.ScheduleCall;

namespace Clinic.UnitTests;

public sealed class ScheduleCallValidatorTests
{
    internal static readonly ConditionChoices Choices = new()
    {
        Conditions = [new("depression", "Depression"), new("ptsd", "PTSD")],
    };

    internal static ScheduleCallForm ValidForm() => new()
    {
        FirstName = "Ann",
        LastName = "Lee",
        Email = "ann.lee@example.com",
        Phone = "+1 (555) 123-4567",
        PreferredContact = "phone",
        Condition = "ptsd",
        BestTimeToCall = "morning",
        Message = "Evenings are hard for me.",
        AcceptTerms = true,
    };

    [Fact]
    public void A_complete_form_passes()
    {
        Assert.Empty(ScheduleCallValidator.Validate(ValidForm(), Choices));
    }

    [Fact]
    public void Other_is_always_a_valid_condition_even_before_the_catalogue_arrives()
    {
        var form = ValidForm();
        form.Condition = ConditionChoices.OtherSlug;
        Assert.Empty(ScheduleCallValidator.Validate(form, new ConditionChoices()));
    }

    [Fact]
    public void An_empty_form_names_every_required_field()
    {
        var errors = ScheduleCallValidator.Validate(new ScheduleCallForm(), Choices);

        Assert.Equal(
            ["AcceptTerms", "BestTimeToCall", "Condition", "Email", "FirstName", "LastName", "Phone", "PreferredContact"],
            errors.Keys.Order());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ann@localhost")]
    [InlineData("Ann <ann@example.com>")]
    [InlineData("ann@example.com\r\nBcc: x@example.com")]
    public void A_bad_email_is_rejected_with_an_example_of_a_good_one(string email)
    {
        var form = ValidForm();
        form.Email = email;

        var error = Assert.Single(ScheduleCallValidator.Validate(form, Choices));
        Assert.Equal("Email", error.Key);
        Assert.Contains("name@example.com", error.Value[0]);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("555-CALL-NOW")]
    [InlineData("1234567890123456")]
    [InlineData("555 123 4567 +1")]
    public void A_bad_phone_number_is_rejected(string phone)
    {
        var form = ValidForm();
        form.Phone = phone;
        Assert.Equal("Phone", Assert.Single(ScheduleCallValidator.Validate(form, Choices)).Key);
    }

    [Theory]
    [InlineData(nameof(ScheduleCallForm.PreferredContact), "carrier-pigeon")]
    [InlineData(nameof(ScheduleCallForm.Condition), "flu")]
    [InlineData(nameof(ScheduleCallForm.BestTimeToCall), "midnight")]
    public void Values_that_are_not_in_a_dropdown_are_rejected(string field, string value)
    {
        var form = ValidForm();
        typeof(ScheduleCallForm).GetProperty(field)!.SetValue(form, value);
        Assert.Equal(field, Assert.Single(ScheduleCallValidator.Validate(form, Choices)).Key);
    }

    [Fact]
    public void Consent_is_required()
    {
        var form = ValidForm();
        form.AcceptTerms = false;
        Assert.Equal("AcceptTerms", Assert.Single(ScheduleCallValidator.Validate(form, Choices)).Key);
    }

    [Fact]
    public void Oversized_and_control_character_input_is_rejected_per_field()
    {
        var form = ValidForm();
        form.FirstName = new string('a', ScheduleCallValidator.MaxNameLength + 1);
        form.LastName = "Lee\u0007";
        form.Message = new string('m', ScheduleCallValidator.MaxMessageLength + 1);

        var errors = ScheduleCallValidator.Validate(form, Choices);

        Assert.Equal(["FirstName", "LastName", "Message"], errors.Keys.Order());
        Assert.Contains("2000", errors["Message"][0]);
    }

    [Fact]
    public void A_message_may_have_line_breaks()
    {
        var form = ValidForm();
        form.Message = "Line one\r\nLine two\n\tindented";
        Assert.Empty(ScheduleCallValidator.Validate(form, Choices));
    }
}

public sealed class ScheduleCallValidatorTextRulesTests
{
    private static readonly ConditionChoices Choices = ScheduleCallValidatorTests.Choices;

    private static ScheduleCallForm Form(string? firstName = "Ann", string? message = null)
    {
        var form = ScheduleCallValidatorTests.ValidForm();
        form.FirstName = firstName;
        form.Message = message;
        return form;
    }

    [Theory]
    [InlineData("Anne-Marie")]
    [InlineData("O'Brien")]
    [InlineData("O\u2019Brien")]
    [InlineData("José")]
    [InlineData("Zoë")]
    [InlineData("李")]
    [InlineData("J. R.")]
    [InlineData("Kaʻiulani")]
    [InlineData("N\u02BCDiaye")]
    [InlineData("O\u2018Neil")]
    [InlineData("Gal·la")]
    [InlineData("ジョン・スミス")]
    [InlineData("Martin Luther King, Jr.")]
    [InlineData("Anne\u00A0Marie")]
    [InlineData("Jean\u2011Luc")]
    [InlineData("\u0645\u0647\u200C\u0633\u0627")]
    [InlineData("\u0928\u094D\u200D")]
    [InlineData("Henry VIII")]
    [InlineData("Ngũgĩ wa Thiong'o")]
    public void Real_names_pass(string name) => Assert.Empty(ScheduleCallValidator.Validate(Form(firstName: name), Choices));

    [Theory]
    [InlineData("<b>Ann</b>")]
    [InlineData("Robert'); DROP TABLE students;--")]
    [InlineData("Ann\u0000")]
    [InlineData("Ann\u0007")]
    [InlineData("Ann\nLee")]
    [InlineData("Ann123")]
    [InlineData("Ann \U0001F600")]
    public void Names_with_markup_code_digits_symbols_or_control_characters_are_refused(string name) =>
        Assert.Equal("FirstName", Assert.Single(ScheduleCallValidator.Validate(Form(firstName: name), Choices)).Key);

    [Fact]
    public void A_refused_name_is_told_what_a_name_may_hold()
    {
        var error = ScheduleCallValidator.Validate(Form(firstName: "Ann123"), Choices)["FirstName"][0];
        Assert.Contains("letters", error, StringComparison.Ordinal);
        Assert.Contains("apostrophes", error, StringComparison.Ordinal);
    }

    /// <summary>A person's words are never refused for how they look: they are stored as typed and encoded wherever shown.</summary>
    [Theory]
    [InlineData("my heart is broken </3")]
    [InlineData("I feel <3 about this, and 2 < 3.")]
    [InlineData("a < b > c")]
    [InlineData("&amp; is how you write an ampersand in HTML")]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<b>bold</b> and <i>italic</i> and <!-- a comment -->")]
    [InlineData("click javascript:alert(1)")]
    [InlineData("'; DROP TABLE intake.mt_events; --")]
    [InlineData("x' OR '1'='1")]
    [InlineData("1 OR 1=1")]
    [InlineData("1 UNION SELECT password FROM users")]
    [InlineData("I tried everything; drop me a line when you can.")]
    [InlineData("Please select a time from Monday.")]
    [InlineData("What's the cost? Or is it covered?")]
    [InlineData("Feeling 😢💔 today 🙂 =SUM(A1:A9) @here <!channel>")]
    [InlineData("Line one\r\nLine two\n\tindented")]
    public void Messages_are_accepted_whatever_they_look_like(string message) =>
        Assert.Empty(ScheduleCallValidator.Validate(Form(message: message), Choices));

    [Theory]
    [InlineData("Hello\u0007")]
    [InlineData("Red \u001b[31m text")]
    [InlineData("back\u0008space")]
    [InlineData("Hello\u007F")]
    public void Control_characters_other_than_line_breaks_and_tabs_are_refused_with_a_clear_message(string message)
    {
        var error = Assert.Single(ScheduleCallValidator.Validate(Form(message: message), Choices));
        Assert.Equal("Message", error.Key);
        Assert.Contains("characters we cannot store", error.Value[0], StringComparison.Ordinal);
    }
}

public sealed class RateLimitPartitionTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa::1", "20010DB800010002::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "20010DB800010002::/64")]
    public void Ipv6_clients_share_a_bucket_per_64_so_rotating_addresses_does_not_bypass_the_limit(string address, string expected) =>
        Assert.Equal(expected, Clinic.Host.RateLimiting.ClientNetworkKey.Of(System.Net.IPAddress.Parse(address)));
}
