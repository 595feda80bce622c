package callbridge.call;

/**
 * The call domain, assembled and running: the {@link CallRegistry} of live calls, which hands every ended
 * call to {@link CallCompletion}; the {@link AnsweredCalls} whose streams are still to come; the
 * {@link TalkTimeoutWatchdog} over it; the {@link Conversation} that {@code /generate} drives; the
 * {@link CallDirectory} {@code /calls} reads; and the {@link CallSetup} new calls are made with. Closing it
 * stops the watchdog; live calls are left to the caller ({@link CallRegistry#endAll}).
 */
public final class Calls implements AutoCloseable {
    private final CallSetup setup;
    private final CallCompletion completion;
    private final CallRegistry registry;
    private final Conversation conversation;
    private final TalkTimeoutWatchdog watchdog;
    private final CallDirectory directory;
    private final AnsweredCalls answered;

    private Calls(CallSetup setup) {
        CallServices services = setup.services();
        this.setup = setup;
        this.completion = new CallCompletion(services.callControl(), services.sleeper());
        this.registry = new CallRegistry(services.clock(), completion::complete);
        this.conversation = new Conversation(registry, setup.records(), services.clock());
        this.watchdog = TalkTimeoutWatchdog.start(registry, services.clock(), services.sleeper());
        this.directory = new CallDirectory(registry, services.clock());
        this.answered = new AnsweredCalls(services.clock());
    }

    public static Calls start(CallSetup setup) {
        return new Calls(setup);
    }

    public CallSetup setup() {
        return setup;
    }

    public CallRegistry registry() {
        return registry;
    }

    public CallCompletion completion() {
        return completion;
    }

    public Conversation conversation() {
        return conversation;
    }

    public CallDirectory directory() {
        return directory;
    }

    public AnsweredCalls answered() {
        return answered;
    }

    /**
     * Calls that still need this instance: live ones, answered ones whose stream is still to come, and ended
     * ones still being completed at Twilio. A drain is over when none is left.
     */
    public int needingThisInstance() {
        return registry.size() + answered.awaitingStream(registry) + completion.underWay();
    }

    @Override
    public void close() {
        watchdog.close();
    }
}
