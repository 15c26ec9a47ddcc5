using System.Net;
using System.Text.RegularExpressions;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>Form values a real visitor might send, and what a submission leaves behind.</summary>
internal static partial class Visitor
{
    public static Dictionary<string, string> Form(
        string firstName = "Dana",
        string message = "Evenings are best.",
        string condition = "ptsd",
        bool acknowledge = false,
        string email = "dana.visitor@example.com") => new()
        {
            ["Form.FirstName"] = firstName,
            ["Form.LastName"] = "Rivera",
            ["Form.Email"] = email,
            ["Form.Phone"] = "555-010-2222",
            ["Form.PreferredContact"] = "phone",
            ["Form.Condition"] = condition,
            ["Form.BestTimeToCall"] = "evening",
            ["Form.Message"] = message,
            ["Form.AcceptTerms"] = "true",
            ["Form.SendAcknowledgement"] = acknowledge ? "true" : "false",
        };

    /// <summary>The same request as the JSON body of <c>POST /api/intake/requests</c>.</summary>
    public static Dictionary<string, object?> ApiBody(string condition = "ptsd", string message = "Evenings are best.") => new()
    {
        ["firstName"] = "Dana",
        ["lastName"] = "Rivera",
        ["email"] = "dana.visitor@example.com",
        ["phone"] = "555-010-2222",
        ["preferredContact"] = "phone",
        ["condition"] = condition,
        ["bestTimeToCall"] = "evening",
        ["message"] = message,
        ["acceptTerms"] = true,
    };

    /// <summary>The reference a successful POST redirected to.</summary>
    public static string ReferenceOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var match = ConfirmationPath().Match(response.Headers.Location!.OriginalString);
        Assert.True(match.Success, $"Redirected to {response.Headers.Location} instead of a confirmation.");
        return match.Groups[1].Value;
    }

    public static async Task<RequestView> RequestAsync(this ClinicFixture clinic, string reference)
    {
        await using var session = clinic.Store.QuerySession();
        return await session.Query<RequestView>().SingleAsync(r => r.Reference == reference);
    }

    /// <summary>
    /// Submits the form as a new visitor and waits until <paramref name="alerts"/> deliveries are recorded:
    /// they change the request too, so staff and auditor tests act on it once it has settled.
    /// </summary>
    public static async Task<(string Reference, Guid RequestId)> SubmitAndSettleAsync(this ClinicFixture clinic, Dictionary<string, string> form, int alerts = 3)
    {
        using var visitor = clinic.CreateBrowser();
        var reference = ReferenceOf(await visitor.PostFormAsync("/schedule", form));
        var request = await clinic.RequestAsync(reference);
        await Eventually.TrueAsync(
            async () => (await clinic.EventsAsync(request.Id)).OfType<StaffAlerted>().Count() >= alerts,
            $"{alerts} alert(s) about {reference} to be recorded");
        return (reference, request.Id);
    }

    public static async Task<IReadOnlyList<object>> EventsAsync(this ClinicFixture clinic, Guid requestId)
    {
        await using var session = clinic.Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(requestId)).Select(e => e.Data)];
    }

    public static async Task<ReceivedMail> MailAboutAsync(this ClinicFixture clinic, string reference, string to) =>
        await Eventually.GetAsync(
            async () => (await clinic.Inbox.ReadAllAsync()).FirstOrDefault(m =>
                m.Message.Subject?.Contains(reference, StringComparison.Ordinal) == true && m.EnvelopeRecipients.Contains(to)),
            $"an e-mail about {reference} to {to}");

    [GeneratedRegex("^/schedule/confirmation/(KC-[0-9A-Z]{5}-[0-9A-Z]{5})$")]
    private static partial Regex ConfirmationPath();
}
