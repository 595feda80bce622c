package callbridge.talk;

import callbridge.talk.Ending.Outcome;
import callbridge.twilio.CallStatus;
import callbridge.twilio.OutboundCalls;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One call to the agent under test, played turn by turn: begin the user side, place the call, hear the agent's
 * greeting (unless the user goes first), then for each user line press its keys, if any, through the carrier,
 * speak it through {@code /generate} (unless the keys are all it does) and hear the
 * answer, after a human gap (or, on cue, cut into the agent's answer to the line before: that line's request
 * then returns once it has played, and the next one waits for the agent's speech to cut into), until the user
 * is done, {@code --max-turns}, the call ends, a timeout, an error or an interrupt. Whatever ends it, the call is then completed at Twilio (unless it is over already) and the user side is told.
 */
final class AgentCall {
    /** Twilio rings for 60 s by default before it gives up with no-answer; a little more covers queueing. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(75);

    /** The settings every conversation of a run shares. */
    record Setup(String to, String from, URI webhook, boolean record, boolean userFirst, int maxTurns,
                 OutboundCalls calls, GenerateClient generate, TalkConsole console, Clock clock, HumanPace pace) {
    }

    /** Ends the turn loop with this ending. */
    private static final class Stop extends Exception {
        private final Ending ending;
        Stop(Outcome outcome, String detail) {
            super(detail, null, false, false);
            this.ending = new Ending(outcome, detail);
        }
    }

    /** One {@code /generate} request. */
    private interface Request {
        TurnAnswer send() throws IOException, InterruptedException;
    }

    private final Setup setup;
    private final ConversationLog log;
    private final Pacing pacing;
    private final TurnTimeline timeline = new TurnTimeline();
    private boolean saidLastLine;
    /** Set once the server or Twilio said the call is over: then there is nothing left to hang up. */
    private boolean callOver;
    /** The server answered that the call ended: its record is final. */
    private boolean serverSawTheEnd;

    /** @param random this conversation's own source of gaps and interruptions */
    AgentCall(Setup setup, String label, java.util.random.RandomGenerator random) {
        this.setup = setup;
        this.log = new ConversationLog(label, setup.to(), setup.from(), setup.clock().instant());
        this.pacing = new Pacing(setup.pace(), random);
    }

    ConversationLog log() {
        return log;
    }

    /** Runs the conversation to its end; never throws. The thread's interrupt (SIGINT) ends it early. */
    ConversationLog run(UserSide user) {
        Ending ending;
        boolean interrupted = false;
        try {
            ending = converse(user);
        } catch (Stop stop) {
            ending = stop.ending;
        } catch (InterruptedException e) {
            interrupted = true;
            // The outcome already says "interrupted": the detail says by what, so the line reads once.
            ending = new Ending(Outcome.INTERRUPTED, "stopped by Ctrl-C (SIGINT) or SIGTERM");
        } catch (IOException e) {
            ending = new Ending(Outcome.ERROR, e.getMessage());
        } catch (RuntimeException e) {
            ending = new Ending(Outcome.ERROR, "unexpected failure: " + e);
        }
        finish(user, ending);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return log;
    }

    private Ending converse(UserSide user) throws Stop, IOException, InterruptedException {
        user.begin();
        user.facts().forEach(log::extra);
        if (Thread.interrupted()) {
            throw new InterruptedException("stopped before dialling");
        }
        String sid = setup.calls().place(setup.to(), setup.from(), setup.webhook(), setup.record());
        log.placed(sid);
        setup.console().event(log.label(), "calling " + setup.to() + " from " + setup.from() + ": " + sid);
        Instant answerBy = setup.clock().instant().plus(ANSWER_WITHIN);
        // How far into the agent's next speech our next line cuts in; a script may cut into the greeting.
        Optional<Duration> cutIn = setup.userFirst() ? Optional.empty() : user.nextCutsIn();
        if (!setup.userFirst() && cutIn.isEmpty()) {
            hearUnprompted(user, onceConnected(sid, answerBy, () -> setup.generate().listen(sid)));
        }
        for (int turn = 1; turn <= setup.maxTurns(); turn++) {
            UserSide.Move move = cutIn.isPresent() ? user.interject() : user.next();
            switch (move) {
                case UserSide.Done done -> {
                    return new Ending(Outcome.USER_DONE, done.reason());
                }
                case UserSide.Say say -> {
                    saidLastLine = say.last();
                    // Known before the line is said: a request whose answer is to be cut into must return once played.
                    Optional<Duration> cutNext = turn == setup.maxTurns() || !user.nextCanCutIn() ? Optional.empty()
                            : pacing.cutIntoAnswer(say, user.nextCutsIn());
                    if (say.keysOnly()) {
                        // Never cued to cut in (nextCanCutIn): keys alone wait for the agent to finish.
                        press(user, sid, answerBy, say, cutNext);
                    } else {
                        say(user, sid, answerBy, say, cutIn, cutNext);
                    }
                    cutIn = cutNext;
                }
            }
        }
        return saidLastLine ? new Ending(Outcome.USER_DONE, "the user's last line was answered")
                : new Ending(Outcome.MAX_TURNS, setup.maxTurns() + " user turn(s), the --max-turns limit");
    }

    /**
     * Says one line: after a human gap once the agent stopped, or {@code cutIn} into its speech; answered once
     * played when the next line is to cut into the agent's answer ({@code cutNext}). The line is shown as it
     * is said, and logged with what the agent said around it once the answer has timed them all.
     */
    private void say(UserSide user, String sid, Instant answerBy, UserSide.Say say, Optional<Duration> cutIn,
                     Optional<Duration> cutNext) throws Stop, IOException, InterruptedException {
        GenerateClient.LineCue cue = cutIn.map(GenerateClient.LineCue::cutIn).orElseGet(() -> pacing.reply(timeline.agentStoppedAt()));
        GenerateClient.LineCue asked = cutNext.isPresent() ? cue.answeredOncePlayed() : cue;
        setup.console().said(log.label(), new ConversationLog.Line(ConversationLog.Speaker.USER, say.text(),
                setup.clock().instant(), Optional.empty(), Optional.empty()).pressing(say.keys()));
        if (!say.keys().isEmpty()) {
            pressKeys(user, sid, say.keys());
        }
        TurnAnswer answer = onceConnected(sid, answerBy, () -> setup.generate().say(sid, say.text(), asked));
        for (ConversationLog.Line said : timeline.line(say.text(), asked, answer, setup.clock().instant())) {
            if (said.speaker() == ConversationLog.Speaker.USER) {
                log.add(said.pressing(say.keys()));
                setup.console().timed(log.label(), said);
            } else {
                record(said);
            }
        }
        hear(user, answer);
    }

    /**
     * Presses keys without a word: a human gap after the agent stopped, as before a spoken reply, then the keys
     * through the carrier, then a {@code /generate} without input for what the agent says after them (none when
     * the next line cuts into that speech: its own request waits for it). Nothing is synthesised or played.
     */
    private void press(UserSide user, String sid, Instant answerBy, UserSide.Say say, Optional<Duration> cutNext)
            throws Stop, IOException, InterruptedException {
        GenerateClient.LineCue cue = pacing.reply(timeline.agentStoppedAt());
        // A person's pause, the one honest sleep: the server holds a spoken line itself, but never sees keys.
        Thread.sleep(Pacing.pauseBeforeKeys(cue, setup.clock().instant()));
        Instant pressedAt = setup.clock().instant();
        pressKeys(user, sid, say.keys());
        ConversationLog.Line pressed = timeline.pressed(cue, pressedAt).pressing(say.keys());
        if (cutNext.isPresent()) {
            record(pressed);
            return;
        }
        TurnAnswer answer = onceConnected(sid, answerBy, () -> setup.generate().listen(sid));
        // The agent may have gone on after the pause talk took for its end (a menu read on after a breath): what
        // it began before the keys is not their answer. Keys go only through the local carrier, on this
        // machine's clock, which is the server's.
        while (answer instanceof TurnAnswer.Heard heard && heard.reply().startedAt().filter(pressedAt::isAfter).isPresent()) {
            hearUnprompted(user, answer);
            answer = onceConnected(sid, answerBy, () -> setup.generate().listen(sid));
        }
        record(pressed);
        hearUnprompted(user, answer);
    }

    /**
     * Presses {@code keys} through the carrier. When the call ended first (the agent hung up during our pause),
     * the server's answer says how, as it does after a spoken line: the conversation ends as hung up, not as
     * an error of ours.
     */
    private void pressKeys(UserSide user, String sid, String keys) throws Stop, IOException, InterruptedException {
        try {
            setup.calls().pressKeys(sid, keys);
        } catch (IOException e) {
            if (setup.calls().endedBecause(sid).isEmpty()) {
                throw e;
            }
            TurnAnswer answer;
            do { // what the agent said before hanging up, then its end; silence means the server still has the call
                answer = setup.generate().listen(sid);
                hearUnprompted(user, answer);
            } while (answer instanceof TurnAnswer.Heard);
            throw e;
        }
    }

    /**
     * The answer to {@code request}, sent again while Twilio is still connecting the call (a line said
     * before the call connected was never heard, and a greeting cannot come before the call does).
     */
    private TurnAnswer onceConnected(String sid, Instant answerBy, Request request)
            throws Stop, IOException, InterruptedException {
        while (true) {
            TurnAnswer answer = request.send();
            if (!(answer instanceof TurnAnswer.Silence) || !stillRinging(sid)) {
                return answer;
            }
            if (setup.clock().instant().isAfter(answerBy)) {
                throw new Stop(Outcome.NOT_ANSWERED, "the call was not answered within " + ANSWER_WITHIN.toSeconds() + " s");
            }
        }
    }

    /** What the agent said with no words of ours to answer (its greeting, or after keys): recorded, then told to the user side. */
    private void hearUnprompted(UserSide user, TurnAnswer answer) throws Stop, IOException, InterruptedException {
        switch (answer) {
            case TurnAnswer.Heard heard -> timeline.heard(heard.earlier(), Optional.of(heard), setup.clock().instant())
                    .forEach(this::record);
            case TurnAnswer.CallEnded ended -> timeline.heard(ended.earlier(), Optional.empty(), setup.clock().instant())
                    .forEach(this::record);
            default -> {
            }
        }
        hear(user, answer);
    }

    /** Tells the user side what the agent said (its turns are already recorded), or ends the conversation. */
    private void hear(UserSide user, TurnAnswer answer) throws Stop, IOException, InterruptedException {
        switch (answer) {
            case TurnAnswer.Heard heard -> {
                try {
                    user.heard(heard.wholeReply());
                } catch (IOException e) {
                    // Bookkeeping (a Galtea turn not written) must not hang up a call that is going well.
                    log.error("the user side could not record the agent's answer: " + e.getMessage());
                }
            }
            // Our line has played; the agent's answer to it comes with the next line, which cuts into it.
            case TurnAnswer.Played played -> {
            }
            case TurnAnswer.CallEnded ended -> {
                callOver = true;
                serverSawTheEnd = true;
                throw saidLastLine
                        ? new Stop(Outcome.USER_DONE, "the call ended after the user's last words (" + ended.reason() + ")"
                                + carrierSays())
                        : new Stop(Outcome.HUNG_UP, "the call ended: " + ended.reason() + carrierSays());
            }
            case TurnAnswer.Silence silence -> throw saidLastLine
                    ? new Stop(Outcome.USER_DONE, "the agent said nothing more after the user's last words")
                    : new Stop(Outcome.TIMEOUT, "the agent said nothing within the turn timeout");
        }
    }

    /** What the carrier knows of the call's end that the server cannot (the local carrier: who broke which rule). */
    private String carrierSays() {
        return log.callSid().flatMap(setup.calls()::endedBecause).map(why -> "; the carrier says: " + why).orElse("");
    }

    /**
     * Asked after a silence: true while Twilio is still connecting the call; a call Twilio never connected
     * ends the conversation with its status (busy, no-answer...).
     */
    private boolean stillRinging(String sid) throws Stop {
        CallStatus status;
        try {
            status = setup.calls().status(sid);
        } catch (IOException e) {
            throw new Stop(Outcome.ERROR, "cannot learn the call's status: " + e.getMessage());
        }
        callOver = status.isFinal();
        if (status.neverAnswered()) {
            throw new Stop(Outcome.NOT_ANSWERED, "Twilio says the call is " + status.wireName());
        }
        if (status == CallStatus.COMPLETED) {
            throw new Stop(Outcome.HUNG_UP, "Twilio says the call is completed");
        }
        return status == CallStatus.QUEUED || status == CallStatus.RINGING;
    }

    private void record(ConversationLog.Line turn) {
        log.add(turn);
        setup.console().said(log.label(), turn);
    }

    /**
     * Keeps the server's record of a call that was answered, for the report; an interrupted run does not
     * wait for it.
     */
    private void keepServerRecord(Ending ending) {
        if (ending.outcome() == Outcome.INTERRUPTED || ending.outcome() == Outcome.NOT_ANSWERED || Thread.currentThread().isInterrupted()) {
            return;
        }
        log.callSid().ifPresent(sid -> {
            try {
                log.serverRecord(setup.generate().record(sid, serverSawTheEnd, setup.clock()));
            } catch (IOException e) {
                log.error("the server's record of the call could not be read: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Completes the call (unless it is over already) and tells the user side, whatever ended the conversation. */
    private void finish(UserSide user, Ending ending) {
        log.callSid().filter(sid -> !callOver).ifPresent(sid -> {
            try {
                setup.calls().hangUp(sid);
            } catch (IOException e) {
                log.error("the call could not be completed at Twilio: " + e.getMessage());
            }
        });
        try {
            user.ended(ending);
        } catch (IOException | RuntimeException e) {
            log.error("the user side failed to close: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepServerRecord(ending);
        log.end(ending, setup.clock().instant());
        setup.console().event(log.label(), "ended: " + ending.outcome().wireName() + ": " + ending.detail());
    }
}
