using Marten;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Loads and saves the clinic's one on-call schedule, refusing a save over a colleague's newer one.</summary>
internal sealed class OnCallSchedules(IIntakeStore store, TimeProvider time)
{
    public async Task<OnCallSchedule> LoadAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<OnCallSchedule>(OnCallSchedule.ClinicId, cancellationToken) ?? new OnCallSchedule();
    }

    /// <summary>Saves if the stored schedule is still the one at <paramref name="seenRevision"/> (empty: none yet); false if another admin saved meanwhile.</summary>
    public async Task<bool> SaveAsync(OnCallSchedule schedule, Guid seenRevision, string by, CancellationToken cancellationToken)
    {
        schedule.Id = OnCallSchedule.ClinicId;
        schedule.UpdatedBy = by;
        schedule.UpdatedAt = time.GetUtcNow();
        await using var session = store.LightweightSession();
        if (seenRevision == Guid.Empty)
        {
            session.Insert(schedule);
        }
        else
        {
            session.UpdateExpectedVersion(schedule, seenRevision);
        }

        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException
                                      || e.InnerException is JasperFx.ConcurrencyException or JasperFx.DocumentAlreadyExistsException)
        {
            return false;
        }
    }
}
