-- Every instance caches API key checks for at most a second (src/modules/api-keys/api-key-cache.ts) and forgets a key
-- as soon as it hears of a change to it: NOTIFY api_keys_changed with the key's prefix, sent by this trigger in the
-- changing transaction and so delivered when it commits (never for one that rolls back). Recording when a key was
-- last used is not a change anyone needs to hear of.
CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD.name, OLD.role, OLD.prefix, OLD.secret_hash, OLD.expires_at, OLD.revoked_at, OLD.version)
         IS NOT DISTINCT FROM (NEW.name, NEW.role, NEW.prefix, NEW.secret_hash, NEW.expires_at, NEW.revoked_at, NEW.version) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('api_keys_changed', OLD.prefix);
  IF TG_OP = 'UPDATE' AND NEW.prefix IS DISTINCT FROM OLD.prefix THEN
    PERFORM pg_notify('api_keys_changed', NEW.prefix);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION api_keys_notify_change();
