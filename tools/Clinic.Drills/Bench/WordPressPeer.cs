using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>
/// Debian's WordPress as a clinic would run it instead of Clinic: php-fpm (static pool), MariaDB and nginx, each
/// with its own configuration, data and sockets under one temporary folder, on free loopback ports. Two nginx
/// servers front the same php-fpm: one passes every request to PHP, the other answers from nginx's FastCGI cache
/// (how a tuned WordPress serves its pages). The PTSD page holds the same text as Clinic's condition page, and
/// a comment is held for moderation and e-mailed to the moderator through the bench's SMTP sink. Everything,
/// including the one per-run file WordPress's Debian packaging needs under /etc/wordpress, goes at disposal.
/// </summary>
internal sealed class WordPressPeer : IAsyncDisposable
{
    private const string ModeratorAddress = "moderator@clinic-bench.invalid";
    private const string DocumentRoot = "/usr/share/wordpress";
    private const int PhpChildren = 8;
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);

    private readonly string _prefix = Path.Combine(Path.GetTempPath(), $"clinic-bench-wordpress-{Environment.ProcessId}");
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private readonly List<Process> _processes = [];
    private readonly bool _root = Environment.UserName == "root";

    private WordPressPeer()
    {
        ConfigName = $"clinicbench{Environment.ProcessId}";
    }

    /// <summary>Debian's wp-config.php loads /etc/wordpress/config-{this}.php when nginx passes WORDPRESS_CONFIG.</summary>
    private string ConfigName { get; }

    private string ConfigFile => $"/etc/wordpress/config-{ConfigName}.php";

    private string Socket => Path.Combine(_prefix, "run", "mysqld.sock");

    public int UncachedPort { get; } = Shell.FreePort();

    public int CachedPort { get; } = Shell.FreePort();

    public int PageId { get; private set; }

    public Uri UncachedPage => new($"http://127.0.0.1:{UncachedPort}/?page_id={PageId}");

    public Uri CachedPage => new($"http://127.0.0.1:{CachedPort}/?page_id={PageId}");

    public Uri CommentEndpoint => new($"http://127.0.0.1:{UncachedPort}/wp-comments-post.php");

    /// <summary>Sets the whole peer up; any piece that does not come up stops the bench with what it printed.</summary>
    public static async Task<WordPressPeer> StartAsync(int smtpPort, string title, string pageHtml, Action<string> progress)
    {
        var peer = new WordPressPeer();
        try
        {
            await peer.SetUpAsync(smtpPort, title, pageHtml, progress);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(int smtpPort, string title, string pageHtml, Action<string> progress)
    {
        foreach (var tool in new[] { "/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb", $"{DocumentRoot}/wp-config.php", "/usr/sbin/nginx" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"WordPress peer: {tool} is missing (provisioning installs wordpress, wordpress-theme-twentytwentythree, php-fpm, mariadb-server and nginx-light; or run with --no-wordpress).");
            }
        }

        var phpFpm = Directory.EnumerateFiles("/usr/sbin", "php-fpm*").Order().LastOrDefault()
            ?? throw new InvalidOperationException("WordPress peer: no php-fpm in /usr/sbin (apt-get install php-fpm; or run with --no-wordpress).");
        if (File.Exists(ConfigFile))
        {
            throw new InvalidOperationException($"WordPress peer: {ConfigFile} already exists (left by another bench?); remove it and run again.");
        }

        if (Directory.Exists(_prefix))
        {
            Directory.Delete(_prefix, recursive: true);
        }

        var run = Path.Combine(_prefix, "run");
        var muPlugins = Path.Combine(_prefix, "mu-plugins");
        foreach (var directory in new[] { _prefix, run, muPlugins, Path.Combine(_prefix, "nginx") })
        {
            Directory.CreateDirectory(directory);
            SetMode(directory, (UnixFileMode)0b111_101_101);
        }

        // ---- MariaDB: its own data directory and socket, no TCP port at all.
        progress("wordpress: MariaDB (own data directory)");
        var data = Path.Combine(_prefix, "mysql");
        var owner = _root ? new[] { "--user=mysql" } : [];
        if (_root)
        {
            await Shell.RunAsync("chown", "mysql:mysql", run);
        }

        await RunToEndAsync("/usr/bin/mariadb-install-db", ["--no-defaults", $"--datadir={data}", .. owner, "--auth-root-authentication-method=socket", "--skip-test-db"]);
        var mariadb = Launch("/usr/sbin/mariadbd",
            ["--no-defaults", $"--datadir={data}", $"--socket={Socket}", $"--pid-file={run}/mysqld.pid", "--skip-networking", .. owner,
             $"--log-error={run}/mariadb.log", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"]);
        await WaitAsync("MariaDB", mariadb, Path.Combine(run, "mariadb.log"), async () => File.Exists(Socket) && await TrySqlAsync("select 1"));
        await SqlAsync($"""
            create database wordpress character set utf8mb4 collate utf8mb4_unicode_ci;
            create user 'wordpress'@'localhost' identified by '{_password}';
            grant all on wordpress.* to 'wordpress'@'localhost';
            """, database: null);

        // ---- WordPress's configuration (Debian's layout) and a must-use plugin that points its mail at the sink.
        var config = $"""
            <?php
            define('DB_NAME', 'wordpress');
            define('DB_USER', 'wordpress');
            define('DB_PASSWORD', '{_password}');
            define('DB_HOST', 'localhost:{Socket}');
            define('WPMU_PLUGIN_DIR', '{muPlugins}');
            // Scheduled tasks run from the system's cron on a tuned site, not from page views.
            define('DISABLE_WP_CRON', true);
            """;
        await WriteAsync(ConfigFile, config);
        await WriteAsync(Path.Combine(muPlugins, "clinic-bench.php"), $$"""
            <?php
            // The bench's SMTP sink: plain SMTP on loopback, no authentication, no TLS.
            add_action('phpmailer_init', function ($mailer) {
                $mailer->isSMTP();
                $mailer->Host = '127.0.0.1';
                $mailer->Port = {{smtpPort}};
                $mailer->SMTPAuth = false;
                $mailer->SMTPAutoTLS = false;
            });
            // WordPress's default sender (wordpress@<host>) is not a valid address for a numeric host.
            add_filter('wp_mail_from', function () { return 'wordpress@clinic-bench.invalid'; });
            // Every bench comment comes from 127.0.0.1 at a load generator's pace: no flood or duplicate refusals.
            remove_action('check_comment_flood', 'check_comment_flood_db', 10);
            add_filter('comment_flood_filter', '__return_false', 99);
            add_filter('duplicate_comment_id', '__return_false');
            """);

        // ---- php-fpm: a static pool, as a throughput-tuned site runs it.
        progress("wordpress: php-fpm (static pool) and nginx");
        var fpmConfig = Path.Combine(_prefix, "php-fpm.conf");
        var fpmSocket = Path.Combine(run, "php-fpm.sock");
        await WriteAsync(fpmConfig, $"""
            [global]
            pid = {_prefix}/php-fpm.pid
            error_log = {_prefix}/php-fpm.log
            daemonize = no
            [wordpress]
            {(_root ? "user = www-data\ngroup = www-data\nlisten.owner = www-data\nlisten.group = www-data\n" : "")}listen = {fpmSocket}
            listen.mode = 0660
            pm = static
            pm.max_children = {PhpChildren}
            catch_workers_output = yes
            """);
        var fpm = Launch(phpFpm, ["--nodaemonize", "--fpm-config", fpmConfig]);
        await WaitAsync("php-fpm", fpm, Path.Combine(_prefix, "php-fpm.log"), () => Task.FromResult(File.Exists(fpmSocket)));

        // ---- nginx: one server straight to PHP, one behind the FastCGI cache (keyed on method and URI, PHP's own cache headers ignored).
        var nginxPrefix = Path.Combine(_prefix, "nginx");
        var php = $$"""
                    location / { try_files $uri $uri/ /index.php?$args; }
                    location ~ \.php$ {
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                        fastcgi_param WORDPRESS_CONFIG {{ConfigName}};
                        fastcgi_pass unix:{{fpmSocket}};
            """;
        var nginxConfig = Path.Combine(nginxPrefix, "nginx.conf");
        await WriteAsync(nginxConfig, NginxConfig.Compose(nginxPrefix, $$"""
                fastcgi_cache_path {{nginxPrefix}}/cache levels=1:2 keys_zone=wordpress:10m inactive=60m;
                server {
                    listen 127.0.0.1:{{UncachedPort}};
                    root {{DocumentRoot}};
                    index index.php;
            {{php}}
                    }
                }
                server {
                    listen 127.0.0.1:{{CachedPort}};
                    root {{DocumentRoot}};
                    index index.php;
            {{php}}
                        fastcgi_cache wordpress;
                        fastcgi_cache_key "$request_method$request_uri";
                        fastcgi_cache_valid 200 10m;
                        fastcgi_ignore_headers Cache-Control Expires Set-Cookie;
                        add_header X-Cache $upstream_cache_status;
                    }
                }
            """, _root ? "www-data" : null));
        var nginx = Launch("/usr/sbin/nginx", ["-e", Path.Combine(nginxPrefix, "error.log"), "-p", nginxPrefix, "-c", nginxConfig]);
        await WaitAsync("nginx", nginx, Path.Combine(nginxPrefix, "error.log"), () => PortOpenAsync(UncachedPort));
        await WaitAsync("nginx", nginx, Path.Combine(nginxPrefix, "error.log"), () => PortOpenAsync(CachedPort));

        // ---- WordPress's own installer (one form post), then the page and the moderation settings.
        progress("wordpress: installing the site and the PTSD page");
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        using var install = await http.PostAsync(
            new Uri($"http://127.0.0.1:{UncachedPort}/wp-admin/install.php?step=2"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["weblog_title"] = "Clinic bench",
                ["user_name"] = "moderator",
                ["admin_password"] = _password,
                ["admin_password2"] = _password,
                ["pw_weak"] = "1",
                ["admin_email"] = ModeratorAddress,
                ["blog_public"] = "0",
            }));
        var installed = await TrySqlAsync("select 1 from wp_options where option_name = 'siteurl'", "wordpress") && await ScalarAsync("select count(*) from wp_users") == 1;
        if (!installed)
        {
            throw new InvalidOperationException($"WordPress peer: the installer answered {(int)install.StatusCode} and created no site; see {_prefix}/php-fpm.log and {nginxPrefix}/error.log. {Truncate(await install.Content.ReadAsStringAsync())}");
        }

        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await SqlAsync($"""
            update wp_options set option_value = '1' where option_name in ('comment_moderation', 'moderation_notify');
            insert into wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, comment_status, ping_status,
                                  post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type, guid)
            values (1, '{now}', '{now}', X'{Convert.ToHexString(Encoding.UTF8.GetBytes(pageHtml))}', X'{Convert.ToHexString(Encoding.UTF8.GetBytes(title))}', '', 'publish', 'open', 'closed',
                    'ptsd', '', '', '{now}', '{now}', '', 'page', '');
            """);
        PageId = (int)await ScalarAsync("select max(ID) from wp_posts where post_type = 'page' and post_name = 'ptsd'");

        using var page = await http.GetAsync(UncachedPage);
        var body = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK || !body.Contains("PTSD", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"WordPress peer: the PTSD page answered {(int)page.StatusCode}; see {_prefix}/php-fpm.log. {Truncate(body)}");
        }

        for (var attempt = 0; ; attempt++)
        {
            using var cached = await http.GetAsync(CachedPage);
            if (cached.Headers.TryGetValues("X-Cache", out var status) && status.Contains("HIT"))
            {
                break;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException("WordPress peer: nginx's FastCGI cache never answered a HIT for the PTSD page.");
            }
        }
    }

    /// <summary>Comments held for moderation so far (each one stored and e-mailed to the moderator inside its request).</summary>
    public Task<long> HeldCommentsAsync() => ScalarAsync("select count(*) from wp_comments where comment_approved = '0'");

    /// <summary>CPU seconds (user + system) of every WordPress process: nginx, php-fpm and MariaDB.</summary>
    public double CpuSeconds() => _processes.Sum(p => CpuMeter.TreeSeconds(p.Id));

    /// <summary>The comment form's fields for one comment; the token in its text finds its e-mail in the sink.</summary>
    public FormUrlEncodedContent Comment(string token) => new(new Dictionary<string, string>
    {
        ["comment_post_ID"] = PageId.ToString(CultureInfo.InvariantCulture),
        ["author"] = "Bench Visitor",
        ["email"] = $"{token}@example.com",
        ["comment"] = $"Evenings are best. {token}",
    });

    /// <summary>wrk's request generator for comments: unique per thread and counter, so none is a duplicate.</summary>
    public Task<string> CommentScriptAsync() =>
        Wrk.PerRequestKeyScriptAsync(Path.Combine(_prefix, "comment.lua"), "wpbench-", $$"""
              local body = "comment_post_ID={{PageId}}&author=Bench+Visitor&email=" .. n .. "%40example.com&comment=Evenings+are+best.+" .. n
              return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
            """);

    private static async Task<bool> PortOpenAsync(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private Process Launch(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"WordPress peer: could not start {file}.");
        // Unread pipes would fill up and stall the process.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static async Task WaitAsync(string name, Process process, string log, Func<Task<bool>> ready)
    {
        var clock = Stopwatch.StartNew();
        while (!await ready())
        {
            if (process.HasExited || clock.Elapsed > StartPatience)
            {
                var tail = File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "(no log)";
                throw new InvalidOperationException(
                    $"WordPress peer: {name} {(process.HasExited ? $"exited with {process.ExitCode}" : $"was not ready within {StartPatience.TotalSeconds:0} s")}; {log}: {tail}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task RunToEndAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"WordPress peer: could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartPatience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"WordPress peer: {file} did not finish within {StartPatience.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"WordPress peer: {file} exited with {process.ExitCode}: {Truncate(await error + await output)}");
        }
    }

    private async Task<(int ExitCode, string Output)> MariaDbAsync(string sql, string? database)
    {
        var start = new ProcessStartInfo("/usr/bin/mariadb") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--no-defaults", $"--socket={Socket}", "-u", "root", "--batch", "--skip-column-names", "--connect-timeout=10" })
        {
            start.ArgumentList.Add(argument);
        }

        if (database is not null)
        {
            start.ArgumentList.Add(database);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("WordPress peer: could not start the mariadb client.");
        await process.StandardInput.WriteAsync(sql);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output) + (await error));
    }

    private async Task<bool> TrySqlAsync(string sql, string? database = null) => (await MariaDbAsync(sql, database)).ExitCode == 0;

    private async Task SqlAsync(string sql, string? database = "wordpress")
    {
        var (exit, output) = await MariaDbAsync(sql, database);
        if (exit != 0)
        {
            throw new InvalidOperationException($"WordPress peer: MariaDB refused the bench's SQL: {Truncate(output)}");
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        var (exit, output) = await MariaDbAsync(sql, "wordpress");
        return exit == 0 && long.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"WordPress peer: '{sql}' failed: {Truncate(output)}");
    }

    private static async Task WriteAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, text);
        SetMode(path, (UnixFileMode)0b110_100_100);
    }

    /// <summary>Readable by the peer's workers (www-data when the bench runs as root).</summary>
    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The bench runs on Linux.");
        }

        File.SetUnixFileMode(path, mode);
    }

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + " …" : text;

    public async ValueTask DisposeAsync()
    {
        // nginx first (no new requests), then PHP, then the database it writes to.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                await Shell.TerminateAsync(process.Id);
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(patience.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
        }

        _processes.Clear();
        File.Delete(ConfigFile);
        if (Directory.Exists(_prefix))
        {
            Directory.Delete(_prefix, recursive: true);
        }
    }
}
