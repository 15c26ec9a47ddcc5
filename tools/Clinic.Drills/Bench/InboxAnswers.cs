namespace Clinic.Drills.Bench;

/// <summary>Whether the inbox answered with what was asked (kept apart from the measuring so the unit tests can link it).</summary>
internal static class InboxAnswers
{
    internal enum Answer { Page, Redirect, SignedOut, NotTheRequest, Error }

    /// <summary>
    /// Whether an answer is the view asked for: a 200 page (for a lookup, one that links to the request, not merely
    /// echoing the reference typed), or a redirect (for a lookup, to the request itself). A redirect to sign-in
    /// means the session was lost.
    /// </summary>
    internal static Answer Judge(int status, string? location, string body, (Guid Id, string Reference)? lookup)
    {
        if (status is >= 300 and < 400)
        {
            var path = location?.Split('?')[0] ?? "";
            if (path.EndsWith("/account/login", StringComparison.OrdinalIgnoreCase) || path.EndsWith("/account/denied", StringComparison.OrdinalIgnoreCase))
            {
                return Answer.SignedOut;
            }

            return lookup is not { } wanted || path.Contains(wanted.Id.ToString(), StringComparison.OrdinalIgnoreCase)
                ? Answer.Redirect
                : Answer.NotTheRequest;
        }

        if (status != 200)
        {
            return Answer.Error;
        }

        return lookup is not { } asked || body.Contains($"/staff/requests/{asked.Id}", StringComparison.OrdinalIgnoreCase) ? Answer.Page : Answer.NotTheRequest;
    }
}
