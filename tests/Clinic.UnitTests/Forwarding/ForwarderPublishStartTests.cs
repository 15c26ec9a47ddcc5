using System.Reflection;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Forwarding;
using Clinic.Modules.Intake.Privacy;
using MassTransit;
using Microsoft.Extensions.Options;
using NodaTime.TimeZones;

namespace Clinic.UnitTests.Forwarding;

/// <summary>
/// The forwarder's page waits for the publishes an arrival returns; a publish started before the arrival threw is
/// returned to nobody, so it would run on outside the page's wait (behind its retry).
/// </summary>
public sealed class ForwarderPublishStartTests
{
    [Fact]
    public async Task An_arrival_that_throws_has_started_no_publish_the_page_cannot_await()
    {
        // The acknowledgement's deadline text needs the clinic's zone; an unknown one throws where it is computed
        // (NodaTime's own exception): any other exception would mean the arrival failed before reaching that text.
        var policy = new ResponsePolicyOptions { TimeZone = "Nowhere/Unknown" };
        var bus = DispatchProxy.Create<IBus, PendingPublishBus>();
        var forwarder = new IntakeEventForwarder(
            bus, new Monitor<IntakeAlertOptions>(new IntakeAlertOptions()), new ClinicTime(new Monitor<ResponsePolicyOptions>(policy)),
            new Monitor<ResponsePolicyOptions>(policy), new PersonalDataVault(null!, null!, TimeProvider.System));

        var requestId = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
        var contact = new ContactRequest("Ada", "Visitor", "ada@example.org", "555-0100", "phone", "depression", "mornings", null, true);
        var submitted = new JasperFx.Events.Event<RequestSubmitted>(new RequestSubmitted(requestId, "REF-1", contact, "v1", "form", "fp", at, "depression", true))
        {
            Id = Guid.NewGuid(),
            StreamId = requestId,
            Sequence = 1,
        };
        var deadlines = new JasperFx.Events.Event<ResponseDeadlinesSet>(new ResponseDeadlinesSet(at.AddHours(1), at.AddHours(4), "routine", at)) { Id = Guid.NewGuid(), StreamId = requestId, Sequence = 2 };

        await Assert.ThrowsAsync<DateTimeZoneNotFoundException>(() => forwarder.PublishArrivalAsync(null!, submitted, [submitted, deadlines], isUrgent: false, CancellationToken.None));

        Assert.Equal(0, ((PendingPublishBus)(object)bus).Started);
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>A bus whose publishes never complete, counting those started.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time.
    public class PendingPublishBus : DispatchProxy
#pragma warning restore CA1852
    {
        public int Started { get; private set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IPublishEndpoint.Publish))
            {
                Started++;
                return new TaskCompletionSource().Task;
            }

            throw new NotSupportedException(targetMethod?.Name);
        }
    }
}
