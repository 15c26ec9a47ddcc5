using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Options;
using Domain = Clinic.Modules.Intake.Domain;
using Integration = Clinic.Modules.Intake.Contracts;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>
/// The event store is Intake's outbox. Marten's async daemon pushes committed events here in order;
/// a page's messages are published to RabbitMQ together and all their confirms awaited, and only then does
/// Marten record the subscription's progress. A crash in between re-publishes, never loses: consumers are idempotent.
/// Suspected spam is not forwarded (staff are not alerted) unless it is also urgent.
/// </summary>
internal sealed class IntakeEventForwarder : SubscriptionBase
{
    public const string SubscriptionName = "intake-forwarder";
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromSeconds(10);
    private readonly IBus _bus;
    private readonly IOptionsMonitor<IntakeAlertOptions> _alerts;
    private readonly Deadlines.ClinicTime _clinicTime;
    private readonly IOptionsMonitor<Deadlines.ResponsePolicyOptions> _policy;
    private readonly Privacy.PersonalDataVault _personalData;

    public IntakeEventForwarder(
        IBus bus, IOptionsMonitor<IntakeAlertOptions> alerts, Deadlines.ClinicTime clinicTime, IOptionsMonitor<Deadlines.ResponsePolicyOptions> policy,
        Privacy.PersonalDataVault personalData)
    {
        _personalData = personalData;
        _bus = bus;
        _alerts = alerts;
        _clinicTime = clinicTime;
        _policy = policy;
        Name = SubscriptionName;
        IncludeType<Domain.RequestSubmitted>();
        IncludeType<Domain.SuspectedSpamReceived>();
        IncludeType<Domain.SpamCleared>();
        // The triage events and escalations, for the live hints; escalations are also forwarded for delivery below.
        foreach (var type in RequestChangeHints.EventTypes)
        {
            IncludeType(type);
        }
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page,
        ISubscriptionController controller,
        IDocumentOperations operations,
        CancellationToken cancellationToken)
    {
        // One publish awaited at a time held the page for a broker round trip per message; started together,
        // their confirms arrive together, and the page still completes only once every one is confirmed.
        var publishes = new List<Task>();
        try
        {
            await ForwardAsync(page, operations, publishes, cancellationToken);
        }
        catch
        {
            // The page fails and is retried: let the publishes it started settle first, so none runs on behind the retry.
            await Task.WhenAll(publishes.Select(p => p.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            throw;
        }

        await Task.WhenAll(publishes);
        return NullChangeListener.Instance;
    }

    private async Task ForwardAsync(EventRange page, IDocumentOperations operations, List<Task> publishes, CancellationToken cancellationToken)
    {
        // Live hints first: a page with only staff actions still has to reach the open inboxes.
        foreach (var (hint, messageId) in await RequestChangeHints.ForAsync(page.Events, operations, cancellationToken))
        {
            publishes.Add(PublishAsync(hint, messageId, cancellationToken));
        }

        var arrivals = page.Events.Where(e => e.Data is Domain.RequestSubmitted or Domain.SuspectedSpamReceived or Domain.SpamCleared or Domain.EscalationRaised).ToList();
        if (arrivals.Count == 0)
        {
            return;
        }

        // Urgency is a later event of the same commit. It is read from the events themselves, never from a read
        // model: a replay empties and refills those, and an urgent request must never go out as routine.
        // The deadlines too: the visitor is told when to expect the call that the policy promised.
        var streamIds = arrivals.Select(e => e.StreamId).Distinct().ToArray();
        var related = await operations.Events.QueryAllRawEvents()
            .Where(e => streamIds.Contains(e.StreamId) && e.EventTypesAre(typeof(Domain.RequestMarkedUrgent), typeof(Domain.ResponseDeadlinesSet)))
            .ToListAsync(cancellationToken);
        var urgent = related.Where(e => e.Data is Domain.RequestMarkedUrgent).Select(e => e.StreamId).ToHashSet();

        foreach (var @event in arrivals)
        {
            var isUrgent = urgent.Contains(@event.StreamId);
            publishes.Add(@event.Data is Domain.EscalationRaised escalation
                ? await PublishEscalationAsync(operations, @event, escalation, isUrgent, cancellationToken)
                : await PublishArrivalAsync(operations, @event, related, isUrgent, cancellationToken));
        }
    }

    /// <summary>Starts the publishes an arrival calls for; the returned task completes once the broker confirmed them.</summary>
    internal async Task<Task> PublishArrivalAsync(
        IDocumentOperations operations, IEvent @event, IReadOnlyList<IEvent> related, bool isUrgent, CancellationToken cancellationToken)
    {
        // SpamCleared: a person found it genuine; from now on it is an ordinary request, and staff hear of it.
        var arrival = Domain.Arrival.Of(@event.Data) ?? await RestoredAsync(operations, @event.StreamId, cancellationToken);
        var (requestId, reference, spam, at) = (arrival.RequestId, arrival.Reference, arrival.SuspectedSpam, arrival.At);
        if (spam && !isUrgent)
        {
            return Task.CompletedTask;
        }

        var activity = StartForwardActivity(@event);
        try
        {
            // Decrypted only when something is sent to the visitor or (opted in) staff are sent the details; null once
            // erased, and then neither goes out: the alert still does, with the reference only.
            var wantsAcknowledgement = arrival.WantsAcknowledgement && !spam;
            var contact = _alerts.CurrentValue.IncludeVisitorDetails || wantsAcknowledgement
                ? await _personalData.OpenAsync(arrival, cancellationToken)
                : null;
            var visitor = _alerts.CurrentValue.IncludeVisitorDetails && contact is not null
                ? new Integration.VisitorDetails(
                    $"{contact.FirstName} {contact.LastName}", contact.Phone, contact.Email, contact.PreferredContact, contact.BestTimeToCall, contact.Message)
                : null;

            // Everything that can throw comes before the first publish: the caller awaits only the task returned, so a
            // publish started before a throw would run on outside the page's wait.
            // The deadlines set with this arrival (or with its restore from the spam folder): the first after it.
            var callBy = related
                .Where(e => e.StreamId == @event.StreamId && e.Sequence > @event.Sequence && e.Data is Domain.ResponseDeadlinesSet)
                .OrderBy(e => e.Sequence)
                .Select(e => (DateTimeOffset?)((Domain.ResponseDeadlinesSet)e.Data).FirstContactBy)
                .FirstOrDefault();
            var callByText = wantsAcknowledgement && callBy is { } due ? $"{_clinicTime.FormatWithoutZone(due)} ({_clinicTime.ZoneName})" : null;

            // Message ids derive from the event, so a re-publish after a crash is recognisably the same message.
            var submitted = PublishAsync(
                new Integration.IntakeRequestSubmitted(requestId, reference, arrival.ConditionSlug, isUrgent, spam, at, visitor),
                @event.Id,
                cancellationToken);
            if (!wantsAcknowledgement || contact is null)
            {
                return EndWhenConfirmedAsync(activity, submitted);
            }

            var acknowledgement = PublishAsync(
                new Integration.VisitorAcknowledgementRequested(requestId, reference, contact.FirstName, contact.Email, at, callBy, callByText),
                Domain.DeterministicGuid.From("acknowledgement", @event.Id.ToString("N")),
                cancellationToken);
            return EndWhenConfirmedAsync(activity, submitted, acknowledgement);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
    }

    /// <summary>An escalation step goes to Notifications with what staff need to open the request, never the visitor's details.</summary>
    private async Task<Task> PublishEscalationAsync(
        IDocumentOperations operations, IEvent @event, Domain.EscalationRaised escalation, bool isUrgent, CancellationToken cancellationToken)
    {
        var activity = StartForwardActivity(@event);
        try
        {
            var arrival = Domain.Arrival.In(await operations.Events.FetchStreamAsync(@event.StreamId, token: cancellationToken));
            var policy = isUrgent ? _policy.CurrentValue.Urgent : _policy.CurrentValue.Routine;
            var within = escalation.Deadline == Deadlines.DeadlineKinds.Acknowledge ? policy.Acknowledge.Within : policy.FirstContact.Within;
            return EndWhenConfirmedAsync(activity, PublishAsync(
                new Integration.RequestEscalated(
                    arrival.RequestId, arrival.Reference, arrival.ConditionSlug, isUrgent, escalation.Deadline, escalation.Step, within,
                    escalation.Recipients, escalation.DueAt, escalation.RaisedAt),
                Domain.DeterministicGuid.From("escalation", @event.Id.ToString("N")),
                cancellationToken));
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A forward span covers the publish up to the broker's confirm, not just its start. Started in an async method,
    /// the span is the current one only there: the next event's span never takes it for its parent.
    /// </summary>
    private static async Task EndWhenConfirmedAsync(Activity? activity, params Task[] publishes)
    {
        try
        {
            await Task.WhenAll(publishes);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    /// <summary>
    /// A publish that never completes (seen after broker outages) would stall the forwarder for good; with a
    /// deadline the page fails instead, the daemon pauses the subscription and restarts it from its
    /// recorded progress, and consumers drop the repeats (docs/adr/0003-publish-deadline.md).
    /// </summary>
    private async Task PublishAsync<T>(T message, Guid messageId, CancellationToken cancellationToken) where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PublishDeadline);
        try
        {
            await _bus.Publish(message, context => context.MessageId = messageId, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Publishing to RabbitMQ did not complete within {PublishDeadline.TotalSeconds:0} s; the page will be retried.");
        }
    }

    private static async Task<Domain.Arrival> RestoredAsync(IDocumentOperations operations, Guid streamId, CancellationToken cancellationToken) =>
        Domain.Arrival.In(await operations.Events.FetchStreamAsync(streamId, token: cancellationToken)) with { SuspectedSpam = false };

    private static Activity? StartForwardActivity(IEvent @event)
    {
        ActivityContext parent = default;
        if (@event.Headers?.TryGetValue(IntakeTelemetry.TraceParentHeader, out var traceParent) == true)
        {
            ActivityContext.TryParse(traceParent?.ToString(), null, out parent);
        }

        return IntakeTelemetry.Source.StartActivity("intake.forward", ActivityKind.Producer, parent);
    }
}
