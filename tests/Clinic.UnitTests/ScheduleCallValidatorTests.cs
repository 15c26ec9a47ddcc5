using Clinic.Modules.Intake.ConditionOptions;
using Clinic.Modules.Intake.ScheduleCall;

namespace Clinic.UnitTests;

public sealed class ScheduleCallValidatorTests
{
    private static readonly ConditionChoices Choices = new()
    {
        Conditions = [new("depression", "Depression"), new("ptsd", "PTSD")],
    };

    private static ScheduleCallForm ValidForm() => new()
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
