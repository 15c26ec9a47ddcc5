namespace Clinic.Drills.Bench;

/// <summary>The long history's arithmetic (kept apart from the SQL so the unit tests can link it).</summary>
internal static class HistoryPlan
{
    /// <summary>How many copies of the template streams reach both targets (each copy adds every template stream once).</summary>
    public static long CopiesNeeded(long existingEvents, long existingRequests, long templateEvents, long templateStreams, long targetEvents, long targetRequests)
    {
        if (templateStreams <= 0 || templateEvents <= 0)
        {
            throw new InvalidOperationException("The store holds no requests to clone: the bench's load phases should have written some.");
        }

        static long Ceiling(long missing, long perCopy) => missing <= 0 ? 0 : (missing + perCopy - 1) / perCopy;
        return Math.Max(Ceiling(targetEvents - existingEvents, templateEvents), Ceiling(targetRequests - existingRequests, templateStreams));
    }
}
