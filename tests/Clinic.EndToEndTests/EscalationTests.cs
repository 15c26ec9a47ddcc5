using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;

namespace Clinic.EndToEndTests;

[CollectionDefinition(Name)]
public sealed class EscalationCollection : ICollectionFixture<EscalationFixture>
{
    public const string Name = "escalation";
}

/// <summary>
/// A host of its own (own schemas, queues and timer tables) whose urgent requests must be acknowledged within
/// two seconds (routine ones within twenty, time enough to acknowledge one on a busy machine): step 1 alerts the on-call fallback at the deadline, step 2 the
/// clinic lead three seconds later.
/// </summary>
public sealed class EscalationFixture : ClinicFixture
{
    public const string OnCallFallback = "escalation-on-call@clinic.test";
    public const string ClinicLead = "clinic-lead@clinic.test";

    protected override void Configure(IDictionary<string, string> settings)
    {
        settings["Intake:ResponsePolicy:Urgent:Acknowledge:Within"] = "00:00:02";
        settings["Intake:ResponsePolicy:Urgent:Acknowledge:Clock"] = "Always";
        settings["Intake:ResponsePolicy:Urgent:Escalation:0:After"] = "00:00:00";
        settings["Intake:ResponsePolicy:Urgent:Escalation:0:Notify:0"] = "on-call";
        settings["Intake:ResponsePolicy:Urgent:Escalation:1:After"] = "00:00:03";
        settings["Intake:ResponsePolicy:Urgent:Escalation:1:Notify:0"] = "on-call";
        settings["Intake:ResponsePolicy:Urgent:Escalation:1:Notify:1"] = ClinicLead;
        settings["Intake:ResponsePolicy:Fallback:0"] = OnCallFallback;

        // Routine requests: long enough for a test to acknowledge one first, with the same chain.
        settings["Intake:ResponsePolicy:Routine:Acknowledge:Within"] = "00:00:20";
        settings["Intake:ResponsePolicy:Routine:Acknowledge:Clock"] = "Always";
        settings["Intake:ResponsePolicy:Routine:Escalation:0:After"] = "00:00:00";
        settings["Intake:ResponsePolicy:Routine:Escalation:0:Notify:0"] = "on-call";
        settings["Intake:ResponsePolicy:Routine:Escalation:1:After"] = "00:00:03";
        settings["Intake:ResponsePolicy:Routine:Escalation:1:Notify:0"] = ClinicLead;
    }
}

[Collection(EscalationCollection.Name)]
public sealed partial class EscalationTests(EscalationFixture clinic)
{
    private const string CrisisMessage = "Nothing helps. I want to die.";

    [Fact]
    public async Task An_urgent_request_nobody_acknowledges_is_escalated_step_by_step_on_every_channel_exactly_once()
    {
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(message: CrisisMessage, condition: "ptsd"), alerts: 4);

        // Step 1 to the on-call person; step 2, three seconds later, to on-call again and the clinic lead.
        var mails = await Eventually.GetAsync(
            async () => EscalationMails(await clinic.Inbox.ReadAllAsync(), reference) is { Count: >= 3 } found ? found : null,
            $"three escalation e-mails about {reference}");
        var hooks = await Eventually.GetAsync(
            () => Task.FromResult(clinic.Webhooks.Received.Where(h => h.Reference == reference && h.EscalationStep is not null).ToList() is { Count: >= 2 } found ? found : null),
            $"two escalation webhooks about {reference}");
        var events = await Eventually.GetAsync(
            async () => (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().Count(a => a.Step is not null) >= 7 ? await clinic.EventsAsync(requestId) : null,
            $"the escalation deliveries of {reference} to be recorded");

        var raised = events.OfType<EscalationRaised>().ToList();
        Assert.Equal(
            [$"1:{EscalationFixture.OnCallFallback}", $"2:{EscalationFixture.OnCallFallback},{EscalationFixture.ClinicLead}"],
            raised.Select(e => $"{e.Step}:{string.Join(",", e.Recipients)}"));
        Assert.All(raised, e => Assert.Equal("acknowledge", e.Deadline));
        Assert.True(raised[1].RaisedAt >= raised[0].DueAt.AddSeconds(3), "step 2 fired before its delay");

        // A host's second look (a redelivery, the timer firing on another host) must add nothing: wait past any such chance.
        var settled = await AfterQuietAsync(reference);
        var final = EscalationMails(settled, reference);
        Assert.Equal(
            [(EscalationFixture.ClinicLead, 2), (EscalationFixture.OnCallFallback, 1), (EscalationFixture.OnCallFallback, 2)],
            final.Select(m => (m.EnvelopeRecipients.Single(), StepOf(m.Message.Subject))).Order().ToList());
        Assert.All(final, m => Assert.StartsWith("Not acknowledged within 2 seconds: request " + reference, m.Message.Subject, StringComparison.Ordinal));
        Assert.All(final, m => Assert.Contains($"http://clinic.test/staff/requests/{requestId}", m.Message.TextBody, StringComparison.Ordinal));
        Assert.Equal([1, 2], clinic.Webhooks.Received.Where(h => h.Reference == reference && h.EscalationStep is not null).Select(h => h.EscalationStep!.Value).Order().ToList());

        // Staff see each step on the request page; the auditor sees the events in the history.
        var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        Assert.Contains("<h2>Escalations</h2>", page, StringComparison.Ordinal);
        Assert.Contains(EscalationFixture.ClinicLead, page, StringComparison.Ordinal);
        var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var history = JsonDocument.Parse(await auditor.GetStringAsync($"/api/audit/requests/{requestId}/events")).RootElement;
        var escalations = history.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "escalation_raised").ToList();
        Assert.Equal(2, escalations.Count);
        Assert.All(escalations, e => Assert.Equal("system (escalation policy)", e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task A_request_acknowledged_in_time_is_not_escalated()
    {
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(condition: "ocd"), alerts: 3);
        var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        await Eventually.TrueAsync(async () => (await AcknowledgeAsync(staff, requestId)) == HttpStatusCode.Redirect, $"{reference} to be acknowledged");
        var events = await clinic.EventsAsync(requestId);
        var deadline = events.OfType<ResponseDeadlinesSet>().Single().AcknowledgeBy;
        Assert.True(events.OfType<RequestAcknowledged>().Any(), "the acknowledgement was not recorded");
        Assert.Empty(events.OfType<EscalationRaised>());

        // Past both steps' times, and then some: nothing was raised and no escalation was sent.
        await AfterQuietAsync(reference, until: deadline.AddSeconds(3 + 4));
        Assert.Empty((await clinic.EventsAsync(requestId)).OfType<EscalationRaised>());
        Assert.Empty(EscalationMails(await clinic.Inbox.ReadAllAsync(), reference));
        Assert.DoesNotContain(clinic.Webhooks.Received, h => h.Reference == reference && h.EscalationStep is not null);
    }

    /// <summary>As a person would: a conflict (a delivery recorded meanwhile) means look again and retry.</summary>
    private static async Task<HttpStatusCode> AcknowledgeAsync(HttpClient staff, Guid requestId)
    {
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        var response = await staff.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
            ["Form.Action"] = "acknowledge",
        }));
        return response.StatusCode;
    }

    private static List<ReceivedMail> EscalationMails(IEnumerable<ReceivedMail> mails, string reference) =>
        [.. mails.Where(m => m.Message.Subject?.Contains(reference, StringComparison.Ordinal) == true
            && m.Message.Subject.Contains("escalation step", StringComparison.Ordinal))];

    private static int StepOf(string? subject) => int.Parse(StepNumber().Match(subject ?? "").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Polls until the clock passes <paramref name="until"/> (default: a few seconds from now) and returns the inbox then.</summary>
    private async Task<IReadOnlyList<ReceivedMail>> AfterQuietAsync(string reference, DateTimeOffset? until = null)
    {
        var end = until ?? DateTimeOffset.UtcNow.AddSeconds(5);
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow >= end), $"the quiet period after {reference}", TimeSpan.FromSeconds(60));
        return await clinic.Inbox.ReadAllAsync();
    }

    [GeneratedRegex(@"\(escalation step (\d+)\)")]
    private static partial Regex StepNumber();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
